package dev.pulse.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pulse.model.Connection;
import dev.pulse.model.LoggedEvent;
import dev.pulse.model.PresenceStatus;
import dev.pulse.model.Room;
import dev.pulse.model.UserPresence;
import dev.pulse.presence.PresenceTracker;
import dev.pulse.testing.DynamoDbLocal;
import dev.pulse.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The admin page's reads on DynamoDB Local: written by the real stores, read back whole, expired items left out. */
class TableInventoryTest {
    private static DynamoDbClient dynamo;

    private final MutableClock clock = MutableClock.startingNow();
    private final Room chat = new Room("w1", "chat:42");
    private final Room project = new Room("w1", "project:x");
    private ConnectionStore connections;
    private MembershipStore memberships;
    private PresenceStore presence;
    private EventLog log;
    private TableInventory inventory;

    @BeforeAll
    static void client() {
        dynamo = DynamoDbLocal.client();
    }

    @AfterAll
    static void closeClient() {
        dynamo.close();
    }

    @BeforeEach
    void freshTables() {
        String table = DynamoDbLocal.createConnectionsTable();
        String events = EventLogTest.createTable(dynamo);
        connections = new ConnectionStore(dynamo, table, clock);
        memberships = new MembershipStore(dynamo, table, clock);
        presence = new PresenceStore(dynamo, table, clock);
        log = new EventLog(dynamo, events, Duration.ofHours(1), clock);
        inventory = new TableInventory(dynamo, table, events, clock);
    }

    private Connection connection(String id, String user, Duration lifetime) {
        return Connection.builder().connectionId(id).userId(user).workspaceId("w1").connectedAt(clock.instant())
                .expiresAt(clock.instant().plus(lifetime)).build();
    }

    @Test
    void listsLiveConnectionsWithTheirRoomsAndRoomsWithMembersAndPresence() {
        var alice = connection("c-alice", "alice", Duration.ofMinutes(130));
        connections.open(alice, List.of(project));
        clock.advance(Duration.ofSeconds(1));
        var bob = connection("c-bob", "bob", Duration.ofMinutes(130));
        connections.open(bob, List.of());
        memberships.join(bob, chat);
        memberships.join(alice, chat);
        presence.enter(bob, chat, PresenceStatus.AWAY, clock.instant().plus(PresenceTracker.LEASE));
        // Its record outlives nothing: expired, it is absent for the page as for every other reader.
        var gone = connection("c-gone", "carol", Duration.ofSeconds(2));
        connections.open(gone, List.of(chat));
        clock.advance(Duration.ofSeconds(5));

        var snapshot = inventory.connectionsAndRooms(10);

        assertEquals(List.of("c-alice", "c-bob"),
                snapshot.connections().stream().map(e -> e.connection().connectionId()).toList());
        var first = snapshot.connections().getFirst();
        assertEquals("alice", first.connection().userId());
        assertEquals(alice.connectedAt().toEpochMilli(), first.connection().connectedAt().toEpochMilli());
        assertEquals(List.of(chat, project), first.rooms());
        assertEquals(List.of(chat), snapshot.connections().get(1).rooms());

        assertEquals(List.of(chat, project), snapshot.rooms().stream().map(TableInventory.RoomEntry::room).toList());
        var chatRoom = snapshot.rooms().getFirst();
        assertEquals(List.of(new TableInventory.MemberEntry("c-alice", "alice"), new TableInventory.MemberEntry("c-bob", "bob")),
                chatRoom.members());
        assertEquals(List.of(new UserPresence("bob", PresenceStatus.AWAY, 1)), chatRoom.presence());
        assertEquals(List.of(), snapshot.rooms().get(1).presence());
    }

    @Test
    void latestEventsComeNewestFirstWithTheirPositionsAcrossRooms() {
        for (int i = 1; i <= 3; i++) {
            log.append(chat, EventLogTest.event("e-chat-" + i, clock.instant()));
            clock.advance(Duration.ofMillis(10));
        }
        log.append(project, EventLogTest.event("e-project-1", clock.instant()));

        var latest = inventory.latestEvents(3);

        assertEquals(List.of("e-project-1", "e-chat-3", "e-chat-2"), latest.stream().map(LoggedEvent::eventId).toList());
        assertEquals(project, latest.getFirst().room());
        assertEquals(1, latest.getFirst().seq());
        assertEquals(3, latest.get(1).seq());
        assertEquals(latest.get(1).epoch(), latest.get(2).epoch());
        assertEquals(4, inventory.latestEvents(10).size());
    }
}
