package dev.pulse.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.model.Connection;
import dev.pulse.model.PresenceChange;
import dev.pulse.model.PresenceStatus;
import dev.pulse.model.Room;
import dev.pulse.model.UserPresence;
import dev.pulse.presence.PresenceTracker;
import dev.pulse.testing.DynamoDbLocal;
import dev.pulse.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The presence items on DynamoDB Local: aggregation by user, exactly-once join/leave under races, leases. */
class PresenceStoreTest {
    private static DynamoDbClient dynamo;

    private final MutableClock clock = MutableClock.startingNow();
    private final Room chat = new Room("w1", "chat:42");
    private String table;
    private PresenceStore store;

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
        store = new PresenceStore(dynamo, table, clock);
    }

    private Connection connection(String id, String user) {
        return Connection.builder().connectionId(id).userId(user).workspaceId("w1").connectedAt(clock.instant()).expiresAt(clock.instant().plus(Duration.ofMinutes(130))).build();
    }

    private Instant lease() {
        return clock.instant().plus(PresenceTracker.LEASE);
    }

    @Test
    void joinOnTheFirstDeviceAndLeaveOnTheLast() {
        var laptop = connection("c1", "u1");
        var phone = connection("c2", "u1");

        var first = store.enter(laptop, chat, PresenceStatus.ONLINE, lease());
        assertTrue(first.joined());
        assertEquals(new UserPresence("u1", PresenceStatus.ONLINE, 1), first.after());

        var second = store.enter(phone, chat, PresenceStatus.AWAY, lease());
        assertFalse(second.joined());
        assertFalse(second.statusChanged(), "online beats away: the user stays online");
        assertEquals(new UserPresence("u1", PresenceStatus.ONLINE, 2), second.after());
        assertEquals(List.of(new UserPresence("u1", PresenceStatus.ONLINE, 2)), store.list(chat, 10).users());

        var laptopGone = store.exit("c1", "u1", chat);
        assertFalse(laptopGone.left());
        assertTrue(laptopGone.statusChanged(), "only the away phone is left");
        assertEquals(new UserPresence("u1", PresenceStatus.AWAY, 1), laptopGone.after());

        var phoneGone = store.exit("c2", "u1", chat);
        assertTrue(phoneGone.left());
        assertEquals(List.of(), store.list(chat, 10).users());

        var again = store.exit("c2", "u1", chat);
        assertFalse(again.left(), "a repeated exit changes nothing");
        assertNull(again.before());
    }

    @Test
    void enteringTwiceIsOneDevice() {
        var c = connection("c1", "u1");
        assertTrue(store.enter(c, chat, PresenceStatus.ONLINE, lease()).joined());
        var repeat = store.enter(c, chat, PresenceStatus.ONLINE, lease());
        assertFalse(repeat.joined());
        assertEquals(1, repeat.after().devices());
    }

    @Test
    void exitOfAnAbsentUserWritesNothing() {
        store.exit("c9", "nobody", chat);
        assertEquals(0, dynamo.scan(b -> b.tableName(table)).count());
    }

    @Test
    void updateNeverBringsBackAConnectionThatLeft() {
        var c = connection("c1", "u1");
        store.enter(c, chat, PresenceStatus.ONLINE, lease());
        store.exit("c1", "u1", chat);
        assertTrue(store.update(c, chat, PresenceStatus.BUSY, lease()).isEmpty());
        assertEquals(List.of(), store.list(chat, 10).users());
    }

    @Test
    void statusChangesAggregateOverDevices() {
        var laptop = connection("c1", "u1");
        var phone = connection("c2", "u1");
        store.enter(laptop, chat, PresenceStatus.ONLINE, lease());
        store.enter(phone, chat, PresenceStatus.ONLINE, lease());

        assertFalse(store.update(laptop, chat, PresenceStatus.AWAY, lease()).orElseThrow().statusChanged(),
                "the phone is still online");
        var change = store.update(phone, chat, PresenceStatus.BUSY, lease()).orElseThrow();
        assertTrue(change.statusChanged());
        assertEquals(PresenceStatus.BUSY, change.after().status(), "busy beats away");
    }

    @Test
    void listsUsersInOrderPerRoomAndWorkspace() {
        store.enter(connection("c1", "bob"), chat, PresenceStatus.ONLINE, lease());
        store.enter(connection("c2", "amy"), chat, PresenceStatus.AWAY, lease());
        store.enter(connection("c3", "cat"), new Room("w1", "chat:43"), PresenceStatus.ONLINE, lease());
        var otherWorkspace = Connection.builder().connectionId("c4").userId("dan").workspaceId("w2").connectedAt(clock.instant()).expiresAt(clock.instant().plusSeconds(7800)).build();
        store.enter(otherWorkspace, new Room("w2", "chat:42"), PresenceStatus.ONLINE, lease());

        var snapshot = store.list(chat, 10);
        assertEquals(List.of(new UserPresence("amy", PresenceStatus.AWAY, 1), new UserPresence("bob", PresenceStatus.ONLINE, 1)),
                snapshot.users());
        assertFalse(snapshot.truncated());

        var first = store.list(chat, 1);
        assertEquals(List.of(new UserPresence("amy", PresenceStatus.AWAY, 1)), first.users());
        assertTrue(first.truncated());
    }

    @Test
    void lapsedLeasesStopCountingAndAreRemovedOnce() {
        var ghost = connection("c1", "u1");
        var live = connection("c2", "u2");
        store.enter(ghost, chat, PresenceStatus.ONLINE, lease());
        clock.advance(Duration.ofMinutes(10));
        store.enter(live, chat, PresenceStatus.ONLINE, lease());
        clock.advance(PresenceTracker.LEASE.minus(Duration.ofMinutes(5)));

        var snapshot = store.list(chat, 10);
        assertEquals(List.of(new UserPresence("u2", PresenceStatus.ONLINE, 1)), snapshot.users());
        assertEquals(List.of("u1"), List.copyOf(snapshot.lapsed().keySet()));

        var removed = store.removeLapsed(chat, "u1", snapshot.lapsed().get("u1"));
        assertTrue(removed.left(), "the ghost's last entry went");
        assertFalse(store.removeLapsed(chat, "u1", snapshot.lapsed().get("u1")).left(), "a second cleaner sees nothing");
        assertTrue(store.list(chat, 10).lapsed().isEmpty());
    }

    @Test
    void aRenewedEntryIsNotRemovedAsLapsed() {
        var c = connection("c1", "u1");
        store.enter(c, chat, PresenceStatus.ONLINE, lease());
        clock.advance(PresenceTracker.LEASE.plusSeconds(1));
        var lapsed = store.list(chat, 10).lapsed().get("u1");
        // The connection speaks up before the cleaner acts: it re-enters with a new lease.
        assertTrue(store.enter(c, chat, PresenceStatus.ONLINE, lease()).joined(), "it had lapsed, so it joins again");

        assertFalse(store.removeLapsed(chat, "u1", lapsed).left());
        assertEquals(List.of(new UserPresence("u1", PresenceStatus.ONLINE, 1)), store.list(chat, 10).users());
    }

    @Test
    void racingDevicesJoinOnceAndLeaveOnce() throws Exception {
        int devices = 8;
        var connections = new ArrayList<Connection>();
        for (int i = 0; i < devices; i++) {
            connections.add(connection("c" + i, "u1"));
        }
        // Separate clients, like separate Lambda invocations.
        var joins = race(connections.stream().<Callable<PresenceChange>>map(c -> () -> {
            try (var own = DynamoDbLocal.client()) {
                return new PresenceStore(own, table, clock).enter(c, chat, PresenceStatus.ONLINE, lease());
            }
        }).toList());
        assertEquals(1, joins.stream().filter(PresenceChange::joined).count());
        assertEquals(devices, store.list(chat, 10).users().get(0).devices());

        var leaves = race(connections.stream().<Callable<PresenceChange>>map(c -> () -> {
            try (var own = DynamoDbLocal.client()) {
                return new PresenceStore(own, table, clock).exit(c.connectionId(), "u1", chat);
            }
        }).toList());
        assertEquals(1, leaves.stream().filter(PresenceChange::left).count());
        assertEquals(List.of(), store.list(chat, 10).users());
    }

    private static List<PresenceChange> race(List<Callable<PresenceChange>> calls) throws Exception {
        var start = new CountDownLatch(1);
        try (var pool = Executors.newFixedThreadPool(calls.size())) {
            var futures = calls.stream().map(call -> pool.submit(() -> {
                start.await();
                return call.call();
            })).toList();
            start.countDown();
            var results = new ArrayList<PresenceChange>();
            for (var f : futures) {
                results.add(f.get());
            }
            return results;
        }
    }

    @Test
    void aggregateIsTheMostAvailableStatus() {
        assertEquals(PresenceStatus.ONLINE, PresenceStatus.aggregate(List.of(PresenceStatus.AWAY, PresenceStatus.ONLINE)));
        assertEquals(PresenceStatus.BUSY, PresenceStatus.aggregate(List.of(PresenceStatus.AWAY, PresenceStatus.BUSY)));
        assertEquals(PresenceStatus.AWAY, PresenceStatus.aggregate(List.of(PresenceStatus.AWAY)));
        assertTrue(PresenceStatus.parse("idle").isEmpty());
    }
}
