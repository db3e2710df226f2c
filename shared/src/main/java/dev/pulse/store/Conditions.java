package dev.pulse.store;

import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** The conditions the stores write under, each stated once. */
final class Conditions {
    /** The item exists and has not expired: used on a connection's {@code #meta} item before writing on its behalf. */
    static final String LIVE = "attribute_exists(#pk) AND #ttl > :now";
    /** Names bound by {@link #LIVE}. */
    static final Map<String, String> LIVE_NAMES = Map.of("#pk", ConnectionTable.PARTITION_KEY, "#ttl", ConnectionTable.TTL_ATTRIBUTE);
    /** The item is absent or expired (an expired item that DynamoDB has not deleted yet may be overwritten). */
    static final String ABSENT_OR_EXPIRED = "attribute_not_exists(#pk) OR #ttl <= :now";

    private Conditions() {
    }

    /** The value bound to {@code :now} by {@link #LIVE} and {@link #ABSENT_OR_EXPIRED}. */
    static Map<String, AttributeValue> nowValues(Instant now) {
        return Map.of(":now", ConnectionTable.nowValue(now));
    }

    /** A transaction step that holds only while the connection's record is live (no orphans from join/close races). */
    static ConditionCheck liveConnection(String tableName, String connectionId, Instant now) {
        return ConditionCheck.builder()
                .tableName(tableName)
                .key(ConnectionTable.metaKey(connectionId))
                .conditionExpression(LIVE)
                .expressionAttributeNames(LIVE_NAMES)
                .expressionAttributeValues(nowValues(now))
                .build();
    }

    /** True when the transaction was cancelled because the condition of action {@code index} failed. */
    static boolean failed(TransactionCanceledException e, int index) {
        var reasons = e.cancellationReasons();
        return reasons != null && reasons.size() > index
                && "ConditionalCheckFailed".equals(reasons.get(index).code());
    }
}
