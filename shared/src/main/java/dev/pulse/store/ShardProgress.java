package dev.pulse.store;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * How far the workers got through each big-room shard (docs/SCALING.md), in the event log table
 * ({@link EventLogTable#shardKey}): how many of the shard's members, in its order, have had their posts answered, and
 * which worker attempt holds the shard now. One item per shard:
 * <ul>
 *   <li>{@link #claim}: a worker attempt takes the shard (one conditional UpdateItem) unless another attempt holds it
 *       and renewed it within the lease: so two copies of one message never post at the same time;</li>
 *   <li>{@link #record}: after every checkpoint's worth of posts, the progress, renewing the claim, only while the
 *       attempt still holds it; the last one releases it.</li>
 * </ul>
 * Records live as long as the log keeps the event.
 */
public final class ShardProgress {
    static final String POSTED = "posted";
    static final String OWNER = "owner";
    static final String CLAIMED_AT = "claimedAt";

    private final DynamoDbClient dynamo;
    private final String tableName;
    private final Duration retention;
    private final Clock clock;

    public ShardProgress(DynamoDbClient dynamo, String tableName, Duration retention, Clock clock) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.tableName = ConnectionTable.requireText(tableName, "tableName");
        this.retention = Objects.requireNonNull(retention, "retention");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Takes the shard for one worker attempt.
     *
     * @param owner this attempt's id (unique per attempt)
     * @param lease how long a holder that stopped renewing keeps the shard: the worker's timeout, after which it cannot
     *              be alive
     * @return the members posted to so far (0 for a shard never started) when the shard is this attempt's now; empty when
     *         another attempt holds it
     */
    public OptionalInt claim(String workspaceId, String shardKey, String owner, Duration lease) {
        var now = clock.instant();
        try {
            var item = dynamo.updateItem(b -> b.tableName(tableName).key(EventLogTable.shardKey(workspaceId, shardKey))
                    .updateExpression("SET #owner = :owner, #at = :now, #ttl = :ttl")
                    .conditionExpression("attribute_not_exists(#owner) OR #owner = :owner OR #at < :stale")
                    .expressionAttributeNames(Map.of("#owner", OWNER, "#at", CLAIMED_AT, "#ttl", ConnectionTable.TTL_ATTRIBUTE))
                    .expressionAttributeValues(Map.of(":owner", AttributeValue.fromS(owner),
                            ":now", number(now.toEpochMilli()), ":stale", number(now.minus(lease).toEpochMilli()),
                            ":ttl", AttributeValue.fromN(Long.toString(now.plus(retention).getEpochSecond()))))
                    .returnValues(ReturnValue.ALL_NEW)).attributes();
            var posted = item.get(POSTED);
            return OptionalInt.of(posted == null ? 0 : Integer.parseInt(posted.n()));
        } catch (ConditionalCheckFailedException held) {
            return OptionalInt.empty();
        }
    }

    /**
     * Records that the shard's first {@code posted} members have been posted to, renewing the claim, or releasing it
     * when {@code finished}.
     *
     * @return false when the attempt no longer holds the shard (its lease ran out and another took it): it must stop
     */
    public boolean record(String workspaceId, String shardKey, String owner, int posted, boolean finished) {
        var now = clock.instant();
        try {
            dynamo.updateItem(b -> b.tableName(tableName).key(EventLogTable.shardKey(workspaceId, shardKey))
                    .updateExpression(finished ? "SET #posted = :posted REMOVE #owner, #at"
                            : "SET #posted = :posted, #at = :now")
                    .conditionExpression("#owner = :owner")
                    .expressionAttributeNames(Map.of("#posted", POSTED, "#owner", OWNER, "#at", CLAIMED_AT))
                    .expressionAttributeValues(finished
                            ? Map.of(":posted", number(posted), ":owner", AttributeValue.fromS(owner))
                            : Map.of(":posted", number(posted), ":owner", AttributeValue.fromS(owner),
                                    ":now", number(now.toEpochMilli()))));
            return true;
        } catch (ConditionalCheckFailedException lost) {
            return false;
        }
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
