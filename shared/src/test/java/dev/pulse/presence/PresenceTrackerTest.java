package dev.pulse.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.delivery.Broadcast;
import dev.pulse.delivery.FanOut;
import dev.pulse.delivery.SendResult;
import dev.pulse.model.Connection;
import dev.pulse.model.PresenceStatus;
import dev.pulse.model.Room;
import dev.pulse.model.UserPresence;
import dev.pulse.protocol.Json;
import dev.pulse.room.RoomBroadcast;
import dev.pulse.store.ConnectionStore;
import dev.pulse.store.MembershipStore;
import dev.pulse.store.PresenceStore;
import dev.pulse.testing.DynamoDbLocal;
import dev.pulse.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Presence leases over simulated minutes: the stores run on DynamoDB Local, the clock is moved by hand. The
 * {@code @connections} side is an in-memory recorder here because the leases span 13 minutes (the end-to-end
 * tests in local/ cover the signals over real sockets).
 */
class PresenceTrackerTest {
    private static final int SIGNAL_LIMIT = 4;
    private static DynamoDbClient dynamo;

    private final MutableClock clock = MutableClock.startingNow();
    private final ConcurrentLinkedQueue<String[]> posts = new ConcurrentLinkedQueue<>();
    private final Room workspace = Room.workspace("w1");
    private ConnectionStore connections;
    private PresenceTracker tracker;

    @BeforeAll
    static void client() {
        dynamo = DynamoDbLocal.client();
    }

    @AfterAll
    static void closeClient() {
        dynamo.close();
    }

    @BeforeEach
    void wire() {
        String table = DynamoDbLocal.createConnectionsTable();
        connections = new ConnectionStore(dynamo, table, clock);
        var memberships = new MembershipStore(dynamo, table, clock);
        var fanOut = new FanOut(memberships, (id, frame) -> {
            posts.add(new String[] {id, frame});
            return SendResult.DELIVERED;
        }, 4);
        tracker = new PresenceTracker(new PresenceTracker.Stores(new PresenceStore(dynamo, table, clock), memberships, connections),
                new RoomBroadcast(new Broadcast(null, null, fanOut, connections, clock), clock), Set.of("workspace"), SIGNAL_LIMIT, clock);
    }

    private Connection connect(String id, String user) {
        var c = Connection.builder().connectionId(id).userId(user).workspaceId("w1").connectedAt(clock.instant()).expiresAt(clock.instant().plus(Duration.ofMinutes(130))).presenceStatus("online").presenceRenewedAt(clock.instant()).build();
        connections.open(c, List.of(workspace));
        tracker.joined(c, workspace);
        return c;
    }

    private List<JsonNode> postsTo(String connectionId) {
        return posts.stream().filter(p -> p[0].equals(connectionId)).map(p -> read(p[1])).toList();
    }

    private static JsonNode read(String frame) {
        try {
            return Json.MAPPER.readTree(frame);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void activeConnectionsRenewTheirLeaseAndSilentOnesLapseWithALeave() {
        connect("c1", "u1");
        connect("c2", "u2");
        connect("c3", "u3");
        assertEquals("presence.join", postsTo("c1").get(0).path("event").asText(), "u1 saw u2 arrive");
        posts.clear();

        clock.advance(Duration.ofMinutes(12));
        // c1 and c3 sent frames; c2's disconnect was lost and it says nothing.
        tracker.renewIfDue(connections.find("c1").orElseThrow());
        tracker.renewIfDue(connections.find("c3").orElseThrow());
        clock.advance(Duration.ofMinutes(2));

        var snapshot = tracker.list(connections.find("c1").orElseThrow(), workspace);
        assertEquals(List.of(new UserPresence("u1", PresenceStatus.ONLINE, 1), new UserPresence("u3", PresenceStatus.ONLINE, 1)),
                snapshot.users());
        // The lister has the fresh list; the others are told.
        assertEquals(List.of(), postsTo("c1"));
        var leave = postsTo("c3");
        assertEquals(1, leave.size(), leave.toString());
        assertEquals("presence.leave", leave.get(0).path("event").asText());
        assertEquals("u2", leave.get(0).path("data").path("userId").asText());

        tracker.list(connections.find("c3").orElseThrow(), workspace);
        assertEquals(1, postsTo("c3").size(), "the lapsed entry was removed, so the leave is sent once");
    }

    @Test
    void renewalWaitsUntilItIsDueAndRecordsWhenItHappened() {
        connect("c1", "u1");
        clock.advance(PresenceTracker.RENEW_AFTER.minusSeconds(1));
        tracker.renewIfDue(connections.find("c1").orElseThrow());
        var notYet = connections.find("c1").orElseThrow().presenceRenewedAt();

        clock.advance(Duration.ofSeconds(2));
        tracker.renewIfDue(connections.find("c1").orElseThrow());
        var renewed = connections.find("c1").orElseThrow().presenceRenewedAt();
        assertTrue(renewed.isAfter(notYet), notYet + " then " + renewed);
        assertEquals(clock.instant().toEpochMilli(), renewed.toEpochMilli());
    }

    @Test
    void aConnectionKnownFromItsAuthorizerContextRenewsOncePerDueTimeWithItsRealStatus() {
        // Behind the REQUEST authorizer $default builds the connection from its context on every frame: it always
        // carries the lease start of its $connect and the default status, never what happened since.
        var fromContext = connect("c1", "u1");
        connect("c2", "u2");
        tracker.setStatus(connections.find("c1").orElseThrow(), PresenceStatus.BUSY, null);
        clock.advance(PresenceTracker.RENEW_AFTER.plusSeconds(1));
        tracker.renewIfDue(fromContext);
        var renewed = connections.find("c1").orElseThrow().presenceRenewedAt();
        assertEquals(clock.instant().toEpochMilli(), renewed.toEpochMilli());

        clock.advance(Duration.ofSeconds(30));
        tracker.renewIfDue(fromContext);
        assertEquals(renewed, connections.find("c1").orElseThrow().presenceRenewedAt(),
                "renewed again only once due, however stale the context's lease start");
        var listed = tracker.list(connections.find("c2").orElseThrow(), workspace).users();
        assertTrue(listed.contains(new UserPresence("u1", PresenceStatus.BUSY, 1)), "the renewal kept the real status: " + listed);
    }

    @Test
    void aStatusChangeGoesToTheOthersAndSticksForLaterRooms() {
        var c1 = connect("c1", "u1");
        connect("c2", "u2");
        posts.clear();

        assertTrue(tracker.setStatus(c1, PresenceStatus.BUSY, "req-1"));
        assertEquals(List.of(), postsTo("c1"), "the changing connection gets no signal");
        var update = postsTo("c2").get(0);
        assertEquals("presence.update", update.path("event").asText());
        assertEquals("busy", update.path("data").path("status").asText());
        assertEquals("req-1", update.path("correlationId").asText());
        assertEquals("busy", connections.find("c1").orElseThrow().presenceStatus());
    }

    @Test
    void roomsOverTheSignalLimitGetNoSignalsButStillAList() {
        for (int i = 1; i <= SIGNAL_LIMIT; i++) {
            connect("c" + i, "u" + i);
        }
        assertEquals("presence.join", postsTo("c1").get(postsTo("c1").size() - 1).path("event").asText(),
                "at the limit, arrivals are still announced");
        posts.clear();

        connect("c9", "u9"); // one more than the limit
        assertEquals(List.of(), List.copyOf(posts), "no signal in a room over the limit");
        assertEquals(SIGNAL_LIMIT + 1, tracker.list(connections.find("c1").orElseThrow(), workspace).users().size());
        assertTrue(!tracker.signalsIn(workspace));
    }
}
