package dev.pulse.store;

import static dev.pulse.store.EventLogTable.CLAIMED_AT;
import static dev.pulse.store.EventLogTable.CORRELATION_ID;
import static dev.pulse.store.EventLogTable.COUNT;
import static dev.pulse.store.EventLogTable.DATA;
import static dev.pulse.store.EventLogTable.EPOCH;
import static dev.pulse.store.EventLogTable.EVENT;
import static dev.pulse.store.EventLogTable.EVENTS;
import static dev.pulse.store.EventLogTable.EVENT_ID;
import static dev.pulse.store.EventLogTable.MARK;
import static dev.pulse.store.EventLogTable.OWNER;
import static dev.pulse.store.EventLogTable.PUBLISHED_AT;
import static dev.pulse.store.EventLogTable.RUN_CORRELATION_ID;
import static dev.pulse.store.EventLogTable.RUN_DATA;
import static dev.pulse.store.EventLogTable.RUN_EVENT;
import static dev.pulse.store.EventLogTable.RUN_ID;
import static dev.pulse.store.EventLogTable.RUN_PUBLISHED_AT;
import static dev.pulse.store.EventLogTable.SEQ;
import static dev.pulse.store.EventLogTable.SORT_KEY;
import static dev.pulse.store.EventLogTable.TTL_ATTRIBUTE;

import dev.pulse.model.EventContent;
import dev.pulse.model.LoggedEvent;
import dev.pulse.model.Position;
import dev.pulse.model.Room;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The event log's items written by an append, and read back: runs of events and claims ({@link EventLogTable}). */
final class LogItems {
    /** Attribute names and the item's keys, roughly: what a run item costs beyond its events' own text. */
    static final int ITEM_OVERHEAD_BYTES = 120;
    /** Per event in a run: its map's names and numbers. */
    static final int EVENT_OVERHEAD_BYTES = 40;

    private LogItems() {
    }

    /** One item holding {@code events} at consecutive sequences from {@code firstSeq}, in the stream {@code ordinal}. */
    static Map<String, AttributeValue> run(Room room, int ordinal, long firstSeq, String epoch, long ttl,
                                           List<EventContent> events) {
        var list = new ArrayList<AttributeValue>(events.size());
        for (var event : events) {
            var map = new HashMap<String, AttributeValue>();
            map.put(RUN_ID, s(event.eventId()));
            map.put(RUN_EVENT, s(event.event()));
            map.put(RUN_PUBLISHED_AT, n(event.publishedAt().toEpochMilli()));
            if (event.correlationId() != null) {
                map.put(RUN_CORRELATION_ID, s(event.correlationId()));
            }
            map.put(RUN_DATA, s(event.dataJson()));
            list.add(AttributeValue.fromM(map));
        }
        var item = new HashMap<>(EventLogTable.key(room, EventLogTable.eventSortKey(ordinal, firstSeq)));
        item.put(EPOCH, s(epoch));
        item.put(COUNT, n(events.size()));
        item.put(EVENTS, AttributeValue.fromL(list));
        item.put(TTL_ATTRIBUTE, n(ttl));
        return item;
    }

    /** The bytes an event adds to a run item, near enough for keeping items and transactions under DynamoDB's limits. */
    static int size(EventContent event) {
        return EVENT_OVERHEAD_BYTES + utf8(event.eventId()) + utf8(event.event()) + utf8(event.dataJson())
                + (event.correlationId() == null ? 0 : utf8(event.correlationId()));
    }

    /** Every event of a run item (or of an item from before runs, holding one), in sequence order. */
    static List<LoggedEvent> events(Room room, Map<String, AttributeValue> item) {
        long first = EventLogTable.firstSeqOf(item.get(SORT_KEY).s());
        String epoch = item.get(EPOCH).s();
        var list = item.get(EVENTS);
        if (list == null) {
            var correlation = item.get(CORRELATION_ID);
            return List.of(new LoggedEvent(room, new Position(first, epoch), new EventContent(item.get(EVENT_ID).s(),
                    item.get(EVENT).s(), Instant.ofEpochMilli(Long.parseLong(item.get(PUBLISHED_AT).n())),
                    correlation == null ? null : correlation.s(), item.get(DATA).s())));
        }
        var events = new ArrayList<LoggedEvent>(list.l().size());
        for (int i = 0; i < list.l().size(); i++) {
            var map = list.l().get(i).m();
            var correlation = map.get(RUN_CORRELATION_ID);
            // The payload stays JSON text: replay splices it into frames as it was logged.
            events.add(new LoggedEvent(room, new Position(first + i, epoch), new EventContent(map.get(RUN_ID).s(),
                    map.get(RUN_EVENT).s(), Instant.ofEpochMilli(Long.parseLong(map.get(RUN_PUBLISHED_AT).n())),
                    correlation == null ? null : correlation.s(), map.get(RUN_DATA).s())));
        }
        return events;
    }

    static Map<String, AttributeValue> claim(Room room, String eventId, Position position, long ttl, Instant now,
                                             String owner, String mark) {
        var claim = new HashMap<>(EventLogTable.claimKey(room, eventId));
        claim.put(SEQ, n(position.seq()));
        claim.put(EPOCH, s(position.epoch()));
        claim.put(TTL_ATTRIBUTE, n(ttl));
        claim.put(CLAIMED_AT, n(now.toEpochMilli()));
        if (owner != null) {
            claim.put(OWNER, s(owner));
        }
        if (mark != null) {
            claim.put(MARK, s(mark));
        }
        return claim;
    }

    /** A claim read back: the position the event id got first, who logged it and when (not fresh). */
    static EventLog.Appended claimed(Map<String, AttributeValue> claim) {
        var owner = claim.get(OWNER);
        var mark = claim.get(MARK);
        var claimedAt = claim.get(CLAIMED_AT);
        return new EventLog.Appended(new Position(Long.parseLong(claim.get(SEQ).n()), claim.get(EPOCH).s()), false,
                owner == null ? null : owner.s(),
                claimedAt == null ? Instant.EPOCH : Instant.ofEpochMilli(Long.parseLong(claimedAt.n())),
                mark == null ? null : mark.s());
    }

    private static int utf8(String text) {
        // Exact for ASCII, an upper bound otherwise; cheaper than encoding when the text is ASCII.
        return text.length() * (text.chars().allMatch(c -> c < 0x80) ? 1 : 3);
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
