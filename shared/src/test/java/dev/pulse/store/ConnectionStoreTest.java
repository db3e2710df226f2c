package dev.pulse.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.model.Connection;
import dev.pulse.model.Member;
import dev.pulse.model.Room;
import dev.pulse.testing.DynamoDbLocal;
import dev.pulse.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

class ConnectionStoreTest {
    private static DynamoDbClient dynamo;

    private final MutableClock clock = MutableClock.startingNow();
    private String table;
    private ConnectionStore connections;
    private MembershipStore memberships;

    @BeforeAll
    static void client() {
        dynamo = DynamoDbLocal.client();
    }

    @AfterAll
    static void closeClient() {
        dynamo.close();
    }

    @BeforeEach
    void freshTable() {
        table = DynamoDbLocal.createConnectionsTable();
        connections = new ConnectionStore(dynamo, table, clock);
        memberships = new MembershipStore(dynamo, table, clock);
    }

    private Connection connection(String id, String user, String workspace) {
        return Connection.builder().connectionId(id).userId(user).workspaceId(workspace).connectedAt(clock.instant()).expiresAt(clock.instant().plus(Duration.ofMinutes(130))).build();
    }

    @Test
    void openRecordsTheConnectionAndItsAutomaticRooms() {
        var c = connection("R0oXAdfD0kwCH6w=", "u1", "w1");
        var rooms = List.of(Room.workspace("w1"), Room.user("w1", "u1"));

        connections.open(c, rooms);

        assertEquals(Optional.of(c), connections.find(c.connectionId()));
        assertEquals(Set.copyOf(rooms), Set.copyOf(memberships.rooms(c.connectionId())));
        for (Room room : rooms) {
            assertEquals(List.of(new Member(c.connectionId(), "u1")), flatten(memberships.members(room)));
        }
        // 1 meta + 2 items per room, and nothing else.
        assertEquals(5, scanAll().size());
        var meta = rawGet(ConnectionTable.metaKey(c.connectionId()));
        assertEquals(Long.toString(c.expiresAt().getEpochSecond()), meta.get("ttl").n());
        assertEquals(Long.toString(c.connectedAt().toEpochMilli()), meta.get("connectedAt").n());
    }

    @Test
    void openWritesDuplicateRoomsOnceAndAcceptsNoRooms() {
        var c = connection("c1", "u1", "w1");
        connections.open(c, List.of(Room.workspace("w1"), Room.workspace("w1")));
        assertEquals(List.of(Room.workspace("w1")), memberships.rooms("c1"));

        var bare = connection("c2", "u2", "w1");
        connections.open(bare, List.of());
        assertEquals(Optional.of(bare), connections.find("c2"));
        assertEquals(List.of(), memberships.rooms("c2"));
    }

    @Test
    void openRejectsBadInputWithoutWriting() {
        var tooMany = IntStream.range(0, ConnectionStore.MAX_AUTO_JOIN_ROOMS + 1)
                .mapToObj(i -> new Room("w1", "chat:" + i))
                .toList();
        assertThrows(IllegalArgumentException.class, () -> connections.open(connection("c1", "u1", "w1"), tooMany));
        assertThrows(IllegalArgumentException.class, () -> connections.open(connection(" ", "u1", "w1"), List.of()));
        assertThrows(NullPointerException.class,
                () -> connections.open(Connection.builder().connectionId("c1").workspaceId("w1").connectedAt(clock.instant()).expiresAt(clock.instant()).build(), List.of()));
        assertEquals(List.of(), scanAll());
    }

    @Test
    void openTakesTheMaximumNumberOfRoomsInOneTransaction() {
        var rooms = IntStream.range(0, ConnectionStore.MAX_AUTO_JOIN_ROOMS)
                .mapToObj(i -> new Room("w1", "chat:" + i))
                .toList();
        connections.open(connection("c1", "u1", "w1"), rooms);
        assertEquals(Set.copyOf(rooms), Set.copyOf(memberships.rooms("c1")));
    }

    @Test
    void closeRemovesEveryItemOfTheConnectionAndReturnsItsRooms() {
        var c = connection("c1", "u1", "w1");
        var other = connection("c2", "u2", "w1");
        var autoJoin = List.of(Room.workspace("w1"), Room.user("w1", "u1"));
        connections.open(c, autoJoin);
        connections.open(other, List.of(Room.workspace("w1")));
        // More rooms than one BatchWriteItem takes, so close has to chunk.
        var joined = new ArrayList<>(autoJoin);
        for (int i = 0; i < 30; i++) {
            var room = new Room("w1", "chat:" + i);
            assertTrue(memberships.join(c, room));
            joined.add(room);
        }

        var closed = connections.close("c1");

        assertEquals(Set.copyOf(joined), Set.copyOf(closed));
        assertEquals(joined.size(), closed.size());
        assertEquals(Optional.empty(), connections.find("c1"));
        assertEquals(List.of(), rawQuery(ConnectionTable.connectionKey("c1")));
        for (Room room : joined) {
            assertTrue(rawGet(ConnectionTable.membershipKey(room, "c1")).isEmpty(), "membership left in " + room);
        }
        // Only the other connection is left: its meta, membership and reverse item.
        var left = scanAll();
        assertEquals(3, left.size());
        assertTrue(left.stream().allMatch(item -> item.get("pk").s().equals("c#c2") || item.get("sk").s().equals("c#c2")));
        assertEquals(List.of(new Member("c2", "u2")), flatten(memberships.members(Room.workspace("w1"))));
    }

    @Test
    void closeOfAnUnknownOrClosedIdReturnsNoRooms() {
        assertEquals(List.of(), connections.close("never-seen"));

        connections.open(connection("c1", "u1", "w1"), List.of(Room.workspace("w1")));
        assertEquals(List.of(Room.workspace("w1")), connections.close("c1"));
        assertEquals(List.of(), connections.close("c1"));
        assertEquals(List.of(), scanAll());
    }

    @Test
    void closeAlsoCleansUpAnExpiredConnection() {
        connections.open(connection("c1", "u1", "w1"), List.of(Room.workspace("w1")));
        clock.advance(Duration.ofHours(3));

        assertEquals(List.of(Room.workspace("w1")), connections.close("c1"));
        assertEquals(List.of(), scanAll());
    }

    @Test
    void anExpiredConnectionIsNotFound() {
        var c = connection("c1", "u1", "w1");
        connections.open(c, List.of(Room.workspace("w1")));

        clock.set(c.expiresAt().minusSeconds(1));
        assertEquals(Optional.of(c), connections.find("c1"));

        clock.set(c.expiresAt());
        assertEquals(Optional.empty(), connections.find("c1"));
        assertEquals(List.of(), memberships.rooms("c1"));
        assertEquals(List.of(), flatten(memberships.members(Room.workspace("w1"))));
        // DynamoDB Local never deletes by TTL: the items are still there, only reads ignore them.
        assertEquals(3, scanAll().size());
    }

    @Test
    void findOfAnUnknownIdIsEmpty() {
        assertEquals(Optional.empty(), connections.find("nope"));
        assertThrows(IllegalArgumentException.class, () -> connections.find(""));
    }

    private static <T> List<T> flatten(Iterable<List<T>> pages) {
        var all = new ArrayList<T>();
        pages.forEach(all::addAll);
        return all;
    }

    private Map<String, AttributeValue> rawGet(Map<String, AttributeValue> key) {
        return dynamo.getItem(GetItemRequest.builder().tableName(table).key(key).consistentRead(true).build()).item();
    }

    private List<Map<String, AttributeValue>> rawQuery(String pk) {
        return dynamo.query(QueryRequest.builder()
                .tableName(table)
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk)))
                .consistentRead(true)
                .build()).items();
    }

    private List<Map<String, AttributeValue>> scanAll() {
        var items = new ArrayList<Map<String, AttributeValue>>();
        dynamo.scanPaginator(ScanRequest.builder().tableName(table).consistentRead(true).build())
                .items().forEach(items::add);
        return items;
    }

    @Test
    void aGoneConnectionIsPrunedOnlyAfterItsConnectCouldHaveFinished() {
        var c = connection("c1", "u1", "w1");
        var workspace = Room.workspace("w1");
        connections.open(c, List.of(workspace));

        // Still within $connect: API Gateway answers 410 for it, yet it is about to open.
        assertTrue(connections.closeGone("c1").isEmpty());
        assertTrue(connections.find("c1").isPresent());
        assertEquals(List.of(workspace), memberships.rooms("c1"));

        clock.advance(ConnectionStore.CONNECT_GRACE.plusSeconds(1));
        var closed = connections.closeGone("c1").orElseThrow();
        assertEquals("u1", closed.connection().userId());
        assertEquals(List.of(workspace), closed.rooms());
        assertTrue(connections.find("c1").isEmpty());
        assertEquals(List.of(), memberships.rooms("c1"));
    }

    @Test
    void presenceStatusAndRenewalAreRecordedOnTheLiveRecord() {
        var c = connection("c1", "u1", "w1");
        connections.open(c, List.of());
        assertEquals("online", connections.find("c1").orElseThrow().presenceStatus());

        var renewed = clock.instant().plusSeconds(5);
        assertEquals(Optional.of("busy"), connections.recordPresence("c1", "busy", renewed));
        assertEquals(Optional.of("busy"), connections.recordPresence("c1", null, renewed.plusSeconds(1)),
                "a renewal alone answers the status it keeps");
        renewed = renewed.plusSeconds(1);
        var found = connections.find("c1").orElseThrow();
        assertEquals("busy", found.presenceStatus());
        assertEquals(renewed.toEpochMilli(), found.presenceRenewedAt().toEpochMilli());

        connections.close("c1");
        assertTrue(connections.recordPresence("c1", "away", null).isEmpty(), "a closed connection is not brought back");
        assertTrue(connections.find("c1").isEmpty());
    }
}
