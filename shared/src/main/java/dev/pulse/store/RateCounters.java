package dev.pulse.store;

import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Fixed-window request counters in the connections table ({@link ConnectionTable#rateCounterKey}): one conditional
 * atomic UpdateItem per request, so two invocations can never both take the last slot of a window. Counter items
 * expire by TTL one window after their window ends.
 */
public final class RateCounters {
    private static final String COUNT = "n";

    private final DynamoDbClient dynamo;
    private final String tableName;

    public RateCounters(DynamoDbClient dynamo, String tableName) {
        this.dynamo = dynamo;
        this.tableName = ConnectionTable.requireText(tableName, "tableName");
    }

    /**
     * Counts one request in the window, unless the window already holds {@code max}.
     *
     * @param windowStart when the window began; with {@code windowEnd} it names the counter and its expiry
     * @return false when the window is full (nothing is counted then)
     */
    public boolean tryTake(String connectionId, String bucket, Instant windowStart, Instant windowEnd, int max) {
        long windowMillis = windowEnd.toEpochMilli() - windowStart.toEpochMilli();
        try {
            dynamo.updateItem(b -> b.tableName(tableName)
                    .key(ConnectionTable.rateCounterKey(connectionId, bucket, windowStart))
                    .updateExpression("ADD #n :one SET #ttl = if_not_exists(#ttl, :ttl)")
                    .conditionExpression("attribute_not_exists(#n) OR #n < :max")
                    .expressionAttributeNames(Map.of("#n", COUNT, "#ttl", ConnectionTable.TTL_ATTRIBUTE))
                    .expressionAttributeValues(Map.of(
                            ":one", AttributeValue.fromN("1"),
                            ":max", AttributeValue.fromN(Integer.toString(max)),
                            // One window of slack past the end, then DynamoDB may delete it.
                            ":ttl", AttributeValue.fromN(Long.toString((windowEnd.toEpochMilli() + windowMillis) / 1000 + 1)))));
            return true;
        } catch (ConditionalCheckFailedException full) {
            return false;
        }
    }
}
