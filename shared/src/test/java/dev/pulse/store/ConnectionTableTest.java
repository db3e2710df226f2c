package dev.pulse.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.model.Connection;
import dev.pulse.model.Room;
import dev.pulse.testing.DynamoDbLocal;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

class ConnectionTableTest {

    @Test
    void theTableIsCreatedAsDesignedWithTtlOnTheTtlAttribute() {
        var name = DynamoDbLocal.createConnectionsTable();
        try (var dynamo = DynamoDbLocal.client()) {
            var table = dynamo.describeTable(b -> b.tableName(name)).table();
            assertEquals("pk", table.keySchema().get(0).attributeName());
            assertEquals(KeyType.HASH, table.keySchema().get(0).keyType());
            assertEquals("sk", table.keySchema().get(1).attributeName());
            assertEquals(KeyType.RANGE, table.keySchema().get(1).keyType());
            assertEquals(BillingMode.PAY_PER_REQUEST, table.billingModeSummary().billingMode());

            var ttl = dynamo.describeTimeToLive(b -> b.tableName(name)).timeToLiveDescription();
            assertEquals("ttl", ttl.attributeName());
            assertEquals(TimeToLiveStatus.ENABLED, ttl.timeToLiveStatus());
        }
        assertNotEquals(name, DynamoDbLocal.createConnectionsTable());
    }

    @Test
    void keysFollowTheDocumentedLayout() {
        var room = new Room("w1", "chat:42");
        assertEquals("c#R0oXAdfD0kwCH6w=", ConnectionTable.connectionKey("R0oXAdfD0kwCH6w="));
        assertEquals("r#w1#chat:42", ConnectionTable.roomKey(room));
        assertEquals(Map.of("pk", AttributeValue.fromS("c#c1"), "sk", AttributeValue.fromS("#meta")),
                ConnectionTable.metaKey("c1"));
        assertEquals(Map.of("pk", AttributeValue.fromS("r#w1#chat:42"), "sk", AttributeValue.fromS("c#c1")),
                ConnectionTable.membershipKey(room, "c1"));
        assertEquals(Map.of("pk", AttributeValue.fromS("c#c1"), "sk", AttributeValue.fromS("r#w1#chat:42")),
                ConnectionTable.reverseKey("c1", room));
        // Same name, different workspace: different partitions.
        assertNotEquals(ConnectionTable.roomKey(room), ConnectionTable.roomKey(new Room("w2", "chat:42")));
    }

    @Test
    void keysRejectBlankIds() {
        assertThrows(IllegalArgumentException.class, () -> ConnectionTable.connectionKey(""));
        assertThrows(NullPointerException.class, () -> ConnectionTable.connectionKey(null));
        assertThrows(IllegalArgumentException.class, () -> ConnectionTable.roomKey(new Room(" ", "chat:1")));
        assertThrows(IllegalArgumentException.class, () -> ConnectionTable.createTableRequest(""));
    }

    @Test
    void itemsRoundTripAndLivenessIsTtlAfterNow() {
        var c = Connection.builder().connectionId("c1").userId("u1").workspaceId("w1").connectedAt(Instant.ofEpochMilli(1_700_000_000_123L)).expiresAt(Instant.ofEpochMilli(1_700_007_800_456L)).build();
        var meta = ConnectionTable.metaItem(c);
        assertEquals(c, ConnectionTable.connectionOf("c1", meta));
        assertEquals("1700007800", meta.get("ttl").n());

        var room = new Room("w1", "chat:42");
        assertEquals(room, ConnectionTable.roomOf(ConnectionTable.reverseItem(c, room)));
        var membership = ConnectionTable.membershipItem(c, room);
        assertEquals("c1", membership.get("connectionId").s());
        assertEquals("u1", membership.get("userId").s());

        assertTrue(ConnectionTable.isLive(meta, Instant.ofEpochSecond(1_700_007_799)));
        assertFalse(ConnectionTable.isLive(meta, Instant.ofEpochSecond(1_700_007_800)));
    }
}
