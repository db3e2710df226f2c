package dev.pulse.store;

import static dev.pulse.store.EventLogTable.PARTITION_KEY;
import static dev.pulse.store.EventLogTable.SORT_KEY;

import dev.pulse.model.Room;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Where each room's stream stands: the newest run this process last wrote or saw ({@link LogTip}), by room key, so an
 * append needs no read first. It writes the next run under the condition that its key is still free, and only a
 * failed condition (another process appended) teaches it better: DynamoDB returns the run that holds the key with the
 * failure. A stale entry therefore costs one failed write, never a wrong sequence. Also the ordinal of every epoch
 * seen (facts that never change), so a read of an epoch's events knows its key range. Both bounded (least recently
 * used first out, read again when needed).
 */
final class LogTips {
    private final DynamoDbClient dynamo;
    private final String tableName;
    private final Map<String, LogTip> tips;
    private final Map<String, Integer> ordinals;

    LogTips(DynamoDbClient dynamo, String tableName, int capacity) {
        this.dynamo = dynamo;
        this.tableName = tableName;
        this.tips = bounded(capacity);
        this.ordinals = bounded(capacity);
    }

    /** The tip this process knows (live or expired), or null when it does not know the room or it has no runs. */
    synchronized LogTip known(String roomKey) {
        return tips.get(roomKey);
    }

    synchronized void put(String roomKey, LogTip tip) {
        if (tip == null) {
            tips.remove(roomKey);
            return;
        }
        tips.put(roomKey, tip);
        ordinals.put(tip.epoch(), tip.ordinal());
    }

    synchronized void forget(String roomKey) {
        tips.remove(roomKey);
    }

    /** The ordinal of an epoch seen here, if any. */
    synchronized Optional<Integer> ordinalOf(String epoch) {
        return Optional.ofNullable(ordinals.get(epoch));
    }

    /**
     * Reads the room's newest run, live or expired (strongly consistent: one reverse Query, Limit 1, over the run keys,
     * which sort by ordinal and then sequence), remembers it and returns it; null when the room has no run at all.
     */
    LogTip read(Room room) {
        var items = dynamo.query(q -> q.tableName(tableName)
                .keyConditionExpression("#pk = :pk AND begins_with(#sk, :runs)")
                .expressionAttributeNames(Map.of("#pk", PARTITION_KEY, "#sk", SORT_KEY))
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(EventLogTable.roomKey(room)),
                        ":runs", AttributeValue.fromS(EventLogTable.EVENT_PREFIX)))
                .scanIndexForward(false)
                .limit(1)
                .consistentRead(true)).items();
        var tip = items.isEmpty() ? null : LogTip.of(items.get(0));
        put(EventLogTable.roomKey(room), tip);
        return tip;
    }

    private static <V> Map<String, V> bounded(int capacity) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > capacity;
            }
        };
    }
}
