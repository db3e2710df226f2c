package dev.pulse.store;

import dev.pulse.model.Room;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Whether a presence room has a window open: changes made, a flush scheduled. One item per room
 * ({@code q#{ws}#{room}} / {@code #window}); the first change of a window creates it with a conditional write, so
 * exactly one writer schedules the window's flush however many changes race, and the flush deletes it first, so a
 * change made while the flush runs opens the next window.
 *
 * <p>A window older than {@code staleAfter} counts as closed: its flush was lost (the schedule failed, or the flush
 * died before deleting it), and the next change schedules another instead of waiting for one that never comes.
 */
public final class PresenceWindows {
    private static final String OPENED_AT = "openedAt";
    private static final Duration KEEP = Duration.ofHours(1);

    private final DynamoDbClient dynamo;
    private final String tableName;
    private final Clock clock;

    public PresenceWindows(DynamoDbClient dynamo, String tableName, Clock clock) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.tableName = Objects.requireNonNull(tableName, "tableName");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** @return true when this call opened the window (its caller schedules the flush); false when one is open */
    public boolean open(Room room, Duration staleAfter) {
        var now = clock.instant();
        try {
            dynamo.updateItem(u -> u.tableName(tableName)
                    .key(ConnectionTable.presenceWindowKey(room))
                    .updateExpression("SET #opened = :now, #ttl = :ttl")
                    .conditionExpression("attribute_not_exists(#opened) OR #opened < :stale")
                    .expressionAttributeNames(Map.of("#opened", OPENED_AT, "#ttl", ConnectionTable.TTL_ATTRIBUTE))
                    .expressionAttributeValues(Map.of(
                            ":now", AttributeValue.fromN(Long.toString(now.toEpochMilli())),
                            ":stale", AttributeValue.fromN(Long.toString(now.minus(staleAfter).toEpochMilli())),
                            ":ttl", AttributeValue.fromN(Long.toString(now.plus(KEEP).getEpochSecond())))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** Closes the room's window: the next change opens (and schedules) another. */
    public void close(Room room) {
        dynamo.deleteItem(d -> d.tableName(tableName).key(ConnectionTable.presenceWindowKey(room)));
    }
}
