package dev.pulse.store;

import dev.pulse.model.Room;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveRequest;

/**
 * The event log table (default name {@code pulse-events}), one partition per room for its stream, one per claim:
 *
 * <pre>
 * pk                         sk              what
 * r#{ws}#{room}              #head           the room's stream head: last (N, last sequence given out), epoch (S), ttl
 * r#{ws}#{room}              e#{seq, 20 d.}  a run of consecutive events that one append logged together, the first at
 *                                            seq: epoch, n (N, how many, at most {@link #MAX_EVENTS_PER_ITEM}), ttl and
 *                                            events (L of M: id, ev, at (N, ms), cid (optional), d (S, JSON text)).
 *                                            Items written before runs existed hold one event in eventId, event,
 *                                            publishedAt, correlationId, data, and are still read
 * id#r#{ws}#{room}#{eventId} #claim          the claim of an event id in a room: seq, epoch, ttl (makes appends
 *                                            idempotent), claimedAt (N, ms), owner (S, the delivery id of the first append),
 *                                            mark (S, optional: the batch mark that records its delivery, below)
 * d#{ws}#{eventId}           #done           a published event whose delivery completed: at, ttl (once-only posts)
 * d#{ws}#{mark}              #batch          the events of one fan-out batch (up to {@value DeliveryMarks#EVENTS_PER_MARK}
 *                                            of its records) whose delivery completed: events (SS), at, ttl; written
 *                                            once when the batch ends, instead of one #done item per event
 * s#{ws}#{shard key}         #progress       a big room's shard: posted (N, members posted to, in the shard's order),
 *                                            ttl ({@link ShardProgress}; the shard key starts with the event id)
 * </pre>
 *
 * Sequence sort keys are zero-padded so string order is numeric order; a run's key is its first sequence, so the run
 * holding sequence s has a key in {@code [s - MAX_EVENTS_PER_ITEM + 1, s]} and "events after n" is one key range
 * starting there. Claims have partitions of their own: they are looked up by event id only, and kept off the room's
 * partition they would otherwise cost one write each of its 1,000 WCU/s (docs/EVENT-LOG.md). Every item carries
 * {@code ttl} (epoch seconds, the retention); the head's ttl is renewed on each append, so when a room has been silent
 * longer than the retention its head expires with its history and the next append starts a new epoch. Reads filter on
 * ttl (DynamoDB deletes late; DynamoDB Local never).
 */
public final class EventLogTable {
    public static final String PARTITION_KEY = ConnectionTable.PARTITION_KEY;
    public static final String SORT_KEY = ConnectionTable.SORT_KEY;
    public static final String TTL_ATTRIBUTE = ConnectionTable.TTL_ATTRIBUTE;

    public static final String HEAD_SORT_KEY = "#head";
    public static final String EVENT_PREFIX = "e#";
    public static final String CLAIM_PREFIX = "id#";
    public static final String CLAIM_SORT_KEY = "#claim";
    /** The most events one run item holds: bounds how far before a sequence a read must start. */
    public static final int MAX_EVENTS_PER_ITEM = 25;

    public static final String LAST = "last";
    public static final String SEQ = "seq";
    public static final String EPOCH = "epoch";
    public static final String EVENT_ID = "eventId";
    public static final String EVENT = "event";
    public static final String PUBLISHED_AT = "publishedAt";
    public static final String CORRELATION_ID = "correlationId";
    public static final String DATA = "data";
    public static final String CLAIMED_AT = "claimedAt";
    public static final String OWNER = "owner";
    public static final String MARK = "mark";
    /** A run item's number of events and its list of them, each a map of the short names below. */
    public static final String COUNT = "n";
    public static final String EVENTS = "events";
    public static final String RUN_ID = "id";
    public static final String RUN_EVENT = "ev";
    public static final String RUN_PUBLISHED_AT = "at";
    public static final String RUN_CORRELATION_ID = "cid";
    public static final String RUN_DATA = "d";
    /** Partition prefix of a delivered event's marker ({@code d#{ws}#{eventId}}). */
    public static final String DELIVERED_PREFIX = "d#";
    public static final String DONE_SORT_KEY = "#done";
    public static final String BATCH_SORT_KEY = "#batch";
    public static final String MARKED_EVENTS = "events";
    /** Partition prefix of a big room's shard progress ({@code s#{ws}#{shard key}}). */
    public static final String SHARD_PREFIX = "s#";
    public static final String PROGRESS_SORT_KEY = "#progress";

    private EventLogTable() {
    }

    /** Same key layout and TTL attribute as the connections table, so the same definitions serve. */
    public static CreateTableRequest createTableRequest(String tableName) {
        return ConnectionTable.createTableRequest(tableName);
    }

    public static UpdateTimeToLiveRequest timeToLiveRequest(String tableName) {
        return ConnectionTable.timeToLiveRequest(tableName);
    }

    /** The room's partition key; the same form as in the connections table. */
    public static String roomKey(Room room) {
        return ConnectionTable.roomKey(room);
    }

    public static String eventSortKey(long seq) {
        if (seq < 0) {
            throw new IllegalArgumentException("seq must not be negative");
        }
        return EVENT_PREFIX + String.format("%020d", seq);
    }

    /** Primary key of the claim of an event id in a room: a partition of its own. */
    public static Map<String, AttributeValue> claimKey(Room room, String eventId) {
        return ConnectionTable.key(CLAIM_PREFIX + roomKey(room) + "#" + Objects.requireNonNull(eventId, "eventId"),
                CLAIM_SORT_KEY);
    }

    /** Primary key of the marker saying the event's delivery completed (events are unique per workspace). */
    public static Map<String, AttributeValue> deliveredKey(String workspaceId, String eventId) {
        return ConnectionTable.key(DELIVERED_PREFIX + ConnectionTable.requireText(workspaceId, "workspaceId") + "#"
                + Objects.requireNonNull(eventId, "eventId"), DONE_SORT_KEY);
    }

    /** Primary key of a fan-out batch's delivery mark ({@link DeliveryMarks.Batch}): its workspace's events in it. */
    public static Map<String, AttributeValue> batchMarkKey(String workspaceId, String mark) {
        return ConnectionTable.key(DELIVERED_PREFIX + ConnectionTable.requireText(workspaceId, "workspaceId") + "#"
                + Objects.requireNonNull(mark, "mark"), BATCH_SORT_KEY);
    }

    /** Primary key of a big room's shard progress: a partition per shard, so workers never share one. */
    public static Map<String, AttributeValue> shardKey(String workspaceId, String shardKey) {
        return ConnectionTable.key(SHARD_PREFIX + ConnectionTable.requireText(workspaceId, "workspaceId") + "#"
                + ConnectionTable.requireText(shardKey, "shardKey"), PROGRESS_SORT_KEY);
    }

    public static Map<String, AttributeValue> key(Room room, String sortKey) {
        return ConnectionTable.key(roomKey(room), sortKey);
    }
}
