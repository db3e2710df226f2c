package dev.pulse.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.delivery.Broadcast;
import dev.pulse.delivery.FanOut;
import dev.pulse.delivery.SendResult;
import dev.pulse.model.Connection;
import dev.pulse.model.PresenceDiff;
import dev.pulse.model.PresenceStatus;
import dev.pulse.model.Room;
import dev.pulse.model.UserPresence;
import dev.pulse.protocol.Json;
import dev.pulse.room.RoomBroadcast;
import dev.pulse.store.ConnectionStore;
import dev.pulse.store.MembershipStore;
import dev.pulse.store.PresenceStore;
import dev.pulse.store.PresenceWindows;
import dev.pulse.support.metrics.Metrics;
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
 * Presence windows, diffs and leases over simulated minutes: the stores run on DynamoDB Local, the clock is moved by
 * hand, and each window's flush is run by the test when the scheduler was asked for one. The {@code @connections} side
 * is an in-memory recorder here because the leases span 13 minutes (the end-to-end tests in local/ cover the diffs over
 * real sockets and the real timer).
 */
class PresenceTrackerTest {
    private static final int SIGNAL_LIMIT = 4;
    private static final Duration WINDOW = Duration.ofSeconds(1);
    private static DynamoDbClient dynamo;

    private final MutableClock clock = MutableClock.startingNow();
    private final ConcurrentLinkedQueue<String[]> posts = new ConcurrentLinkedQueue<>();
    private final Room workspace = Room.workspace("w1");
    private ConnectionStore connections;
    private final ConcurrentLinkedQueue<Room> scheduled = new ConcurrentLinkedQueue<>();
    private PresenceTracker tracker;
    private PresenceFlusher flusher;
    private PresenceWindows windows;

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
        var store = new PresenceStore(dynamo, table, clock);
        windows = new PresenceWindows(dynamo, table, clock);
        tracker = new PresenceTracker(new PresenceTracker.Stores(store, memberships, connections),
                new PresenceTracker.Window(WINDOW, windows, (room, after) -> scheduled.add(room)), Set.of("workspace"),
                SIGNAL_LIMIT, clock);
        flusher = new PresenceFlusher(store, windows, memberships,
                new RoomBroadcast(new Broadcast(null, null, fanOut, connections, clock), clock), tracker, SIGNAL_LIMIT,
                Metrics.NONE);
    }

    /** Runs the window's flush, as the timer or the SQS message would once the window has passed. */
    private PresenceDiff flushWindow() {
        assertEquals(List.of(workspace), List.copyOf(scheduled), "one flush scheduled for the window");
        scheduled.clear();
        clock.advance(WINDOW);
        return flusher.flush(workspace);
    }

    private void disconnect(String connectionId) {
        var closed = connections.closeConnection(connectionId);
        closed.rooms().forEach(room -> tracker.left(closed.connection(), room));
    }

    private List<JsonNode> diffsTo(String connectionId) {
        return postsTo(connectionId).stream().filter(f -> f.path("event").asText().equals("presence.diff"))
                .map(f -> f.path("data")).toList();
    }

    private static List<String> ids(JsonNode users) {
        var ids = new java.util.ArrayList<String>();
        users.forEach(u -> ids.add(u.path("userId").asText()));
        return ids;
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
    void aWindowsArrivalsReachEveryMemberAsOneDiffAndNothingIsPostedOnConnect() {
        connect("c1", "u1");
        connect("c2", "u2");
        connect("c3", "u3");
        assertEquals(List.of(), List.copyOf(posts), "nothing posted while connecting");

        var diff = flushWindow();
        assertEquals(3, diff.joins().size(), diff.toString());
        for (String c : List.of("c1", "c2", "c3")) {
            var frames = diffsTo(c);
            assertEquals(1, frames.size(), c + ": " + frames);
            assertEquals(List.of("u1", "u2", "u3"), ids(frames.get(0).path("joins")).stream().sorted().toList());
            assertEquals("workspace:w1", frames.get(0).path("room").asText());
            assertEquals(0, frames.get(0).path("leaves").size());
        }
        var u2 = diffsTo("c1").get(0).path("joins").findValuesAsText("userId").indexOf("u2");
        assertEquals("online", diffsTo("c1").get(0).path("joins").get(u2).path("status").asText());
        assertEquals(1, diffsTo("c1").get(0).path("joins").get(u2).path("devices").asInt());

        posts.clear();
        assertTrue(flusher.flush(workspace).isEmpty(), "a repeated flush (an SQS redelivery) has nothing to say");
        assertEquals(List.of(), List.copyOf(posts));
    }

    @Test
    void aJoinAndALeaveInOneWindowCancelOut() {
        connect("c1", "u1");
        flushWindow();
        posts.clear();

        connect("c2", "u2");
        disconnect("c2");
        assertTrue(flushWindow().isEmpty());
        assertEquals(List.of(), List.copyOf(posts), "u1 never hears of u2");
    }

    @Test
    void aLeaveAndARejoinInOneWindowCancelOutAndALaterLeaveIsStillSent() {
        connect("c1", "u1");
        connect("c2", "u2");
        flushWindow();
        posts.clear();

        disconnect("c2");
        connect("c3", "u2"); // u2 reconnects within the window
        assertTrue(flushWindow().isEmpty(), "no leave/join pair on reconnect");
        assertEquals(List.of(), diffsTo("c1"));

        disconnect("c3");
        var diff = flushWindow();
        assertEquals(List.of("u2"), diff.leaves());
        assertEquals(List.of("u2"), ids(diffsTo("c1").get(0).path("leaves")));
    }

    @Test
    void aSecondDeviceIsAnUpdateAndOnlyTheLastDeviceLeaves() {
        connect("c1", "u1");
        connect("c2", "u2");
        flushWindow();
        posts.clear();

        connect("c3", "u2");
        var more = flushWindow();
        assertEquals(List.of(new UserPresence("u2", PresenceStatus.ONLINE, 2)), more.updates(), more.toString());
        assertEquals(2, diffsTo("c1").get(0).path("updates").get(0).path("devices").asInt());

        disconnect("c2");
        assertEquals(List.of(new UserPresence("u2", PresenceStatus.ONLINE, 1)), flushWindow().updates());
        disconnect("c3");
        assertEquals(List.of("u2"), flushWindow().leaves());
    }

    @Test
    void aStatusChangeIsAnUpdateAndSticksForLaterRooms() {
        var c1 = connect("c1", "u1");
        connect("c2", "u2");
        flushWindow();
        posts.clear();

        assertTrue(tracker.setStatus(c1, PresenceStatus.BUSY));
        var diff = flushWindow();
        assertEquals(List.of(new UserPresence("u1", PresenceStatus.BUSY, 1)), diff.updates());
        var frame = diffsTo("c2").get(0);
        assertEquals("busy", frame.path("updates").get(0).path("status").asText());
        assertEquals(1, diffsTo("c1").size(), "the changer's own connections get the diff too");
        assertEquals("busy", connections.find("c1").orElseThrow().presenceStatus());

        tracker.setStatus(c1, PresenceStatus.AWAY);
        tracker.setStatus(c1, PresenceStatus.BUSY);
        assertTrue(flushWindow().isEmpty(), "busy, away, busy within a window: nothing changed");
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
        tracker.setStatus(connections.find("c1").orElseThrow(), PresenceStatus.BUSY);
        clock.advance(PresenceTracker.RENEW_AFTER.plusSeconds(1));
        tracker.renewIfDue(fromContext);
        var renewed = connections.find("c1").orElseThrow().presenceRenewedAt();
        assertEquals(clock.instant().toEpochMilli(), renewed.toEpochMilli());

        clock.advance(Duration.ofSeconds(30));
        tracker.renewIfDue(fromContext);
        assertEquals(renewed, connections.find("c1").orElseThrow().presenceRenewedAt(),
                "renewed again only once due, however stale the context's lease start");
        var listed = tracker.list(workspace).users();
        assertTrue(listed.contains(new UserPresence("u1", PresenceStatus.BUSY, 1)), "the renewal kept the real status: " + listed);
    }

    @Test
    void activeConnectionsRenewTheirLeaseAndSilentOnesLapseWithALeave() {
        connect("c1", "u1");
        connect("c2", "u2");
        connect("c3", "u3");
        flushWindow();
        posts.clear();

        clock.advance(Duration.ofMinutes(12));
        // c1 and c3 sent frames; c2's disconnect was lost and it says nothing.
        tracker.renewIfDue(connections.find("c1").orElseThrow());
        tracker.renewIfDue(connections.find("c3").orElseThrow());
        assertEquals(List.of(), List.copyOf(scheduled), "a renewal changes nothing anyone sees");
        clock.advance(Duration.ofMinutes(2));

        var snapshot = tracker.list(workspace);
        assertEquals(List.of(new UserPresence("u1", PresenceStatus.ONLINE, 1), new UserPresence("u3", PresenceStatus.ONLINE, 1)),
                snapshot.users());
        var diff = flushWindow();
        assertEquals(List.of("u2"), diff.leaves());
        assertEquals(List.of("u2"), ids(diffsTo("c3").get(0).path("leaves")));

        tracker.list(workspace);
        assertEquals(List.of(), List.copyOf(scheduled), "the lapsed entry was removed, so the leave is sent once");
    }

    @Test
    void aChangeDuringOrAfterAFlushOpensTheNextWindowAndALostFlushIsRescheduledOnceStale() {
        connect("c1", "u1");
        flushWindow();
        connect("c2", "u2");
        assertEquals(List.of(workspace), List.copyOf(scheduled), "the flush closed the window: the next change opens one");
        scheduled.clear();

        // The scheduled flush never runs (its message was lost): later changes wait until the window is stale.
        connect("c3", "u3");
        assertEquals(List.of(), List.copyOf(scheduled));
        clock.advance(new PresenceTracker.Window(WINDOW, windows, (r, a) -> { }).staleAfter().plusSeconds(1));
        connect("c4", "u4");
        var diff = flushWindow();
        assertEquals(List.of("u2", "u3", "u4"), diff.joins().stream().map(UserPresence::userId).sorted().toList());
    }

    @Test
    void roomsOverTheSignalLimitGetNoDiffsButStillAList() {
        for (int i = 1; i <= SIGNAL_LIMIT; i++) {
            connect("c" + i, "u" + i);
        }
        flushWindow();
        assertEquals(1, diffsTo("c1").size(), "at the limit, arrivals are still announced");
        posts.clear();

        connect("c9", "u9"); // one more than the limit
        flushWindow();
        assertEquals(List.of(), List.copyOf(posts), "no diff in a room over the limit");
        assertEquals(SIGNAL_LIMIT + 1, tracker.list(workspace).users().size());
        assertFalse(tracker.signalsIn(workspace));
    }
}
