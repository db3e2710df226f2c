package dev.pulse.store;

import dev.pulse.model.Room;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveRequest;

/**
 * The event log table (default name {@code pulse-events}), one partition per room:
 *
 * <pre>
 * pk               sk                         what
 * r#{ws}#{room}    #head                      the room's stream head: last (N, last sequence given out), epoch (S), ttl
 * r#{ws}#{room}    e#{seq, 20 digits}         one logged event: epoch, eventId, event, publishedAt (N, ms),
 *                                             correlationId (optional), data (S, JSON text), ttl
 * r#{ws}#{room}    id#{eventId}               the claim of an event id: seq, epoch, ttl (makes appends idempotent),
 *                                             claimedAt (N, ms), owner (S, the delivery id of the first append)
 * d#{ws}#{eventId} #done                      a published event whose delivery completed: at, ttl (once-only posts)
 * </pre>
 *
 * Sequence sort keys are zero-padded so string order is numeric order and "events after n" is one key
 * range. Every item carries {@code ttl} (epoch seconds, the retention); the head's ttl is renewed on each
 * append, so when a room has been silent longer than the retention its head expires with its history and
 * the next append starts a new epoch. Reads filter on ttl (DynamoDB deletes late; DynamoDB Local never).
 */
public final class EventLogTable {
    public static final String PARTITION_KEY = ConnectionTable.PARTITION_KEY;
    public static final String SORT_KEY = ConnectionTable.SORT_KEY;
    public static final String TTL_ATTRIBUTE = ConnectionTable.TTL_ATTRIBUTE;

    public static final String HEAD_SORT_KEY = "#head";
    public static final String EVENT_PREFIX = "e#";
    public static final String CLAIM_PREFIX = "id#";

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
    /** Partition prefix of a delivered event's marker ({@code d#{ws}#{eventId}}). */
    public static final String DELIVERED_PREFIX = "d#";
    public static final String DONE_SORT_KEY = "#done";

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

    public static String claimSortKey(String eventId) {
        return CLAIM_PREFIX + Objects.requireNonNull(eventId, "eventId");
    }

    /** Primary key of the marker saying the event's delivery completed (events are unique per workspace). */
    public static Map<String, AttributeValue> deliveredKey(String workspaceId, String eventId) {
        return ConnectionTable.key(DELIVERED_PREFIX + ConnectionTable.requireText(workspaceId, "workspaceId") + "#"
                + Objects.requireNonNull(eventId, "eventId"), DONE_SORT_KEY);
    }

    public static Map<String, AttributeValue> key(Room room, String sortKey) {
        return ConnectionTable.key(roomKey(room), sortKey);
    }
}
