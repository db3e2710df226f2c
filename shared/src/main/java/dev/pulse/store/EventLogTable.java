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
 * pk                         sk                   what
 * r#{ws}#{room}              #head                the room's epochs: epoch (S, the current one), ord (N, its ordinal), ver
 *                                                 (N, bumped by every write of the head), ttl. Written only when a stream
 *                                                 starts (a new room, or one silent longer than the retention) or is
 *                                                 continued within {@link LogAppender#EXPIRY_MARGIN_LIMIT} of its end,
 *                                                 never by a plain append. Heads from before this layout hold
 *                                                 last (N) and epoch, and are read as ordinal 0
 * r#{ws}#{room}              e#{ord, 10 d.}#{seq, 20 d.}
 *                                                 a run of consecutive events that one append logged together, the first
 *                                                 at seq, in the stream with that ordinal: epoch, n (N, how many, at most
 *                                                 {@link #MAX_EVENTS_PER_ITEM}), ttl and events (L of M: id, ev, at (N,
 *                                                 ms), cid (optional), d (S, JSON text)). Ordinal 0 (the streams from
 *                                                 before ordinals) is keyed e#{seq, 20 d.}; its items written before runs
 *                                                 existed hold one event in eventId, event, publishedAt, correlationId,
 *                                                 data, and are still read
 * id#r#{ws}#{room}#{eventId} #claim               the claim of an event id in a room: seq, epoch, ttl (makes appends
 *                                                 idempotent), claimedAt (N, ms), owner (S, the delivery id of the first
 *                                                 append), mark (S, optional: the batch mark that records its delivery)
 * d#{ws}#{eventId}           #done                a published event whose delivery completed: at, ttl (once-only posts)
 * d#{ws}#{mark}              #batch               the events of one fan-out batch (up to
 *                                                 {@value DeliveryMarks#EVENTS_PER_MARK} of its records) whose delivery
 *                                                 completed: events (SS), at, ttl; written once when the batch ends,
 *                                                 instead of one #done item per event
 * s#{ws}#{shard key}         #progress            a big room's shard: posted (N, members posted to, in the shard's order),
 *                                                 ttl ({@link ShardProgress}; the shard key starts with the event id)
 * </pre>
 *
 * Ordinals and sequences are zero-padded so string order is numeric order: the room's newest run is the last
 * {@code e#} key (one reverse Query, Limit 1), and a new stream's ordinal is above every run key that exists, so it
 * never lands among an expired stream's items. A run's key is its first sequence, so the run holding sequence s has a
 * key in {@code [s - MAX_EVENTS_PER_ITEM + 1, s]} and "events after n" is one key range starting there. Claims have
 * partitions of their own: they are looked up by event id only, and in the room's partition they would cost one write
 * each of its 1,000 WCU/s (docs/EVENT-LOG.md). Every item carries {@code ttl} (epoch seconds, the retention); a room
 * silent longer than the retention has only expired runs, and the next append starts a new stream (epoch and
 * ordinal). Reads filter on ttl (DynamoDB deletes late; DynamoDB Local never).
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
    /** The head's ordinal of the current stream, and its version (bumped by every conditional write of the head). */
    public static final String ORDINAL = "ord";
    public static final String VERSION = "ver";
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

    /**
     * The sort key of the run starting at {@code seq} in the stream with this ordinal; ordinal 0 is the layout from
     * before ordinals ({@code e#{seq}}), which string-sorts below every other.
     */
    public static String eventSortKey(int ordinal, long seq) {
        if (seq < 0 || ordinal < 0) {
            throw new IllegalArgumentException("seq and ordinal must not be negative");
        }
        return ordinal == 0 ? EVENT_PREFIX + String.format("%020d", seq)
                : EVENT_PREFIX + String.format("%010d", ordinal) + "#" + String.format("%020d", seq);
    }

    /** The upper end of a key range over the runs of one ordinal (every sequence key of it sorts below this). */
    static String eventSortKeyEnd(int ordinal) {
        // Ordinal 0 keys are e# and 20 digits, the first ten of them 0 for any sequence below 10^10: ':' follows '9'.
        return ordinal == 0 ? EVENT_PREFIX + "0000000000:" : EVENT_PREFIX + String.format("%010d", ordinal) + "#:";
    }

    /** The ordinal of a run's sort key (0 for the layout from before ordinals). */
    static int ordinalOf(String sortKey) {
        int cut = sortKey.indexOf('#', EVENT_PREFIX.length());
        return cut < 0 ? 0 : Integer.parseInt(sortKey.substring(EVENT_PREFIX.length(), cut));
    }

    /** The first sequence of a run's sort key. */
    static long firstSeqOf(String sortKey) {
        int cut = sortKey.indexOf('#', EVENT_PREFIX.length());
        return Long.parseLong(sortKey.substring(cut < 0 ? EVENT_PREFIX.length() : cut + 1));
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
