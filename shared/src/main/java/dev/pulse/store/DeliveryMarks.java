package dev.pulse.store;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Which published events were delivered to the end, in the event log table ({@link EventLogTable#deliveredKey}):
 * EventBridge delivers at least once, and the log's claim only says an event was logged, not that its posts went
 * out. One PutItem per published event after its delivery; a GetItem only when a delivery finds its event already
 * logged (a redelivery). Markers live as long as the log keeps the event. The puts of concurrent deliveries in one
 * process share BatchWriteItem calls (up to 25 marks each), so marking costs the write units but not a call per event.
 */
public final class DeliveryMarks {
    /** BatchWriteItem calls in flight at once; further marks gather for the next ones. */
    static final int MAX_CALLS_IN_FLIGHT = 2;

    private final DynamoDbClient dynamo;
    private final String tableName;
    private final Duration retention;
    private final Clock clock;
    private final BatchedPuts puts;

    public DeliveryMarks(DynamoDbClient dynamo, String tableName, Duration retention, Clock clock) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.tableName = ConnectionTable.requireText(tableName, "tableName");
        this.retention = Objects.requireNonNull(retention, "retention");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.puts = new BatchedPuts(new TableWriter(dynamo, tableName), MAX_CALLS_IN_FLIGHT);
    }

    /** Whether the event's delivery completed (and its marker has not expired). */
    public boolean delivered(String workspaceId, String eventId) {
        var item = dynamo.getItem(b -> b.tableName(tableName).key(EventLogTable.deliveredKey(workspaceId, eventId))
                .consistentRead(true)).item();
        return item != null && !item.isEmpty() && ConnectionTable.isLive(item, clock.instant());
    }

    /** Records that the event's delivery completed. */
    public void markDelivered(String workspaceId, String eventId) {
        var now = clock.instant();
        var item = new java.util.HashMap<>(EventLogTable.deliveredKey(workspaceId, eventId));
        item.put("at", AttributeValue.fromN(Long.toString(now.toEpochMilli())));
        item.put(ConnectionTable.TTL_ATTRIBUTE, AttributeValue.fromN(Long.toString(now.plus(retention).getEpochSecond())));
        puts.put(Map.copyOf(item));
    }
}
