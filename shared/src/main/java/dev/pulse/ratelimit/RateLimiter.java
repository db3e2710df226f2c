package dev.pulse.ratelimit;

import dev.pulse.store.ConnectionTable;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Per-connection, per-action fixed-window limits, exact across concurrent Lambda invocations: one
 * conditional atomic UpdateItem per request on a counter item for (connection, bucket, window), so two
 * invocations can never both take the last slot. Counter items live in the connections table under
 * {@code l#{connectionId}#{bucket}} / {@code w#{windowStart}} and expire by TTL right after their window.
 */
public final class RateLimiter {
    private static final String COUNT = "n";

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;
    private final RateLimits limits;

    public RateLimiter(DynamoDbClient dynamo, String table, Clock clock, RateLimits limits) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
        this.limits = limits;
    }

    public RateDecision tryAcquire(String connectionId, String action) {
        String bucket = limits.bucketOf(action);
        RateLimit limit = limits.limitOf(bucket);
        long nowMillis = clock.millis();
        long windowMillis = limit.window().toMillis();
        long windowStart = nowMillis - Math.floorMod(nowMillis, windowMillis);
        long windowEnd = windowStart + windowMillis;
        try {
            dynamo.updateItem(b -> b.tableName(table)
                    .key(ConnectionTable.key("l#" + connectionId + "#" + bucket, "w#" + windowStart))
                    .updateExpression("ADD #n :one SET #ttl = if_not_exists(#ttl, :ttl)")
                    .conditionExpression("attribute_not_exists(#n) OR #n < :max")
                    .expressionAttributeNames(Map.of("#n", COUNT, "#ttl", ConnectionTable.TTL_ATTRIBUTE))
                    .expressionAttributeValues(Map.of(
                            ":one", AttributeValue.fromN("1"),
                            ":max", AttributeValue.fromN(Integer.toString(limit.max())),
                            // One window of slack past the end, then DynamoDB may delete it.
                            ":ttl", AttributeValue.fromN(Long.toString((windowEnd + windowMillis) / 1000 + 1)))));
            return RateDecision.allow(limit);
        } catch (ConditionalCheckFailedException full) {
            return new RateDecision(false, Duration.ofMillis(windowEnd - nowMillis), limit);
        }
    }
}
