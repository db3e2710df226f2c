package dev.pulse.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.model.EventContent;
import dev.pulse.model.LoggedEvent;
import dev.pulse.model.Position;
import dev.pulse.model.Room;
import dev.pulse.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * The append path against DynamoDB Local: writers in separate "processes" (one {@link EventLog} each, like Lambda
 * environments) with stale tips, redeliveries, epochs and their ordinals, the head near a stream's end, and the group commit that puts a room's waiting events
 * into one run item. Calls are counted on the client's own requests, and a gate holds a commit in flight so the events
 * arriving meanwhile are known to wait for the next one.
 */
public class EventLogAppendTest {
    private static final Calls CALLS = new Calls();
    private static DynamoDbClient dynamo;

    private final MutableClock clock = MutableClock.startingNow();
    private final Room room = new Room("w1", "chat:42");
    private String table;

    @BeforeAll
    static void client() {
        dynamo = EventLogTest.client(List.of(CALLS));
    }

    @AfterAll
    static void close() {
        dynamo.close();
    }

    @BeforeEach
    void table() {
        table = EventLogTest.createTable(dynamo);
        CALLS.reset();
    }

    private EventLog newProcess() {
        return new EventLog(dynamo, table, Duration.ofHours(1), clock);
    }

    private EventContent event(String id) {
        return EventLogTest.event(id, clock.instant());
    }

    @Test
    void aWriterWithAStaleTipLosesOneRoundLearnsTheNewestRunFromTheFailureAndNeverReadsFirst() {
        var a = newProcess();
        var b = newProcess();
        assertEquals(1, a.append(room, event("e1")).seq());
        assertEquals(2, b.append(room, event("e2")).seq()); // b reads the newest run once: it did not know the room
        CALLS.reset();
        assertEquals(3, a.append(room, event("e3")).seq()); // a still believes the stream ends at 1
        assertEquals(Map.of("TransactWriteItems", 2), CALLS.counts(), "one lost round, one won, no read");
        CALLS.reset();
        assertEquals(4, a.append(room, event("e4")).seq());
        assertEquals(Map.of("TransactWriteItems", 1), CALLS.counts(), "a knows the newest run now: one write");
        assertEquals(List.of("e1", "e2", "e3", "e4"), ids(a.read(room, 0, 10)));
        assertEquals(new Position(4, a.head(room).orElseThrow().epoch()), b.head(room).orElseThrow());
    }

    @Test
    void aBatchsGateHoldsCommitsUntilEveryRecordQueuedItsAppendSoTheRoomCommitsOnce() throws Exception {
        var log = newProcess();
        log.append(room, event("e0")); // the head is known: no read below
        CALLS.reset();
        var gate = log.gate(3);
        var appended = new ArrayList<Future<Position>>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String id : List.of("e1", "e2", "e3")) {
                appended.add(threads.submit(() -> gate.enter(() -> log.append(room, event(id)))));
            }
            assertTrue(gate.awaitArrivals(Duration.ofSeconds(30)), "every record queued its append");
            gate.close();
            for (var f : appended) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
        assertEquals(Map.of("TransactWriteItems", 1), CALLS.counts(), "one commit for the batch's three events");
        // The three threads queue their appends in whatever order they run: the batch's order is theirs.
        var logged = ids(log.read(room, 0, 10));
        assertEquals(4, logged.size(), logged.toString());
        assertEquals("e0", logged.get(0));
        assertEquals(java.util.Set.of("e1", "e2", "e3"), java.util.Set.copyOf(logged.subList(1, 4)));
        assertEquals(List.of(2L, 3L, 4L), appended.stream().map(f -> f.resultNow().seq()).sorted().toList());
    }

    @Test
    void aGateLetsCommitsGoWhenClosedEvenIfARecordNeverAppends() throws Exception {
        var log = newProcess();
        var gate = log.gate(2);
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            var first = threads.submit(() -> gate.enter(() -> log.append(room, event("e1"))));
            // the second record never comes: the batch closes the gate after its wait
            assertFalse(gate.awaitArrivals(Duration.ofMillis(1)), "one record is still missing");
            gate.close();
            assertEquals(1, first.get(30, TimeUnit.SECONDS).seq());
        }
        // and a record that appends nothing arrives when it ends
        var other = log.gate(1);
        other.enter(() -> "refused: nothing appended");
        assertTrue(other.awaitArrivals(Duration.ZERO));
        assertEquals(2, log.append(room, event("e2")).seq(), "no gate left holding commits");
    }

    @Test
    void aRedeliveryToAWriterWithAStaleHeadGetsTheFirstPositionAndLogsNothing() {
        var a = newProcess();
        var b = newProcess();
        var first = a.append(room, event("e1"), "delivery-1");
        b.append(room, event("e2"));
        b.append(room, event("e3"));
        var again = a.append(room, event("e1"), "delivery-2"); // a's head (1) is stale and e1 is claimed
        assertEquals(first.position(), again.position());
        assertFalse(again.fresh());
        assertEquals("delivery-1", again.owner(), "the first delivery's id, so the caller can tell a retry from a repeat");
        assertEquals(3, a.head(room).orElseThrow().seq(), "nothing allocated");
        assertEquals(4, a.append(room, event("e4")).seq(), "and a learnt the head from the failed round");
        assertEquals(List.of("e1", "e2", "e3", "e4"), ids(a.read(room, 0, 10)));
    }

    @Test
    void aWriterHoldingAHeadOfAnExpiredEpochJoinsTheNewEpochInsteadOfContinuingTheOld() {
        var a = newProcess();
        var b = newProcess();
        var old = a.append(room, event("e1"));
        b.append(room, event("e2"));
        clock.advance(Duration.ofHours(2)); // past the retention: the room's history and head have expired
        var fresh = b.append(room, event("e3"));
        assertEquals(1, fresh.seq());
        assertNotEquals(old.epoch(), fresh.epoch());
        // a still holds the old epoch's head at 1; its write must not continue the old stream at 2
        var next = a.append(room, event("e4"));
        assertEquals(new Position(2, fresh.epoch()), next);
        assertEquals(List.of("e3", "e4"), ids(a.read(room, 0, 10)));
    }

    @Test
    void eventsWaitingWhileARoomsCommitIsInFlightAreLoggedAsOneRunOfConsecutiveSequences() throws Exception {
        var log = newProcess();
        log.append(room, event("e0")); // the head is known: the gated commit below is the first write
        int waiting = 20;
        var results = new ConcurrentHashMap<String, Position>();
        try (var gate = CALLS.gate("TransactWriteItems"); var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var futures = new ArrayList<Future<?>>();
            futures.add(pool.submit(() -> results.put("e1", log.append(room, event("e1")))));
            gate.awaitHeld();
            for (int i = 2; i < waiting + 2; i++) {
                var id = "e" + i;
                futures.add(pool.submit(() -> results.put(id, log.append(room, event(id)))));
            }
            awaitWaiting(log, waiting);
            gate.open();
            for (var f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
        var stored = log.read(room, 0, 100);
        assertEquals(waiting + 2, stored.size());
        for (int i = 0; i < stored.size(); i++) {
            assertEquals(i + 1, stored.get(i).seq(), "gap-free");
            if (i > 0) {
                assertEquals(results.get(stored.get(i).eventId()), stored.get(i).position(),
                        "each event sits where its append said");
            }
        }
        // e0, e1, then the 20 that waited: three run items under one head
        assertEquals(1 + 3, itemsInRoomPartition());
        assertEquals(List.of(7L, 8L, 9L), stored(log.read(room, 6, 3)), "a read may start inside a run");
        assertEquals(List.of(22L), stored(log.read(room, 21, 10)));
    }

    @Test
    void theSameEventTwiceInOneRunGetsOnePositionAndIsStoredOnce() throws Exception {
        var log = newProcess();
        log.append(room, event("e0"));
        EventLog.Appended first;
        EventLog.Appended second;
        try (var gate = CALLS.gate("TransactWriteItems"); var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var blocker = pool.submit(() -> log.append(room, event("e1")));
            gate.awaitHeld();
            var one = pool.submit(() -> log.append(room, event("dup"), "delivery-1"));
            var two = pool.submit(() -> log.append(room, event("dup"), "delivery-2"));
            awaitWaiting(log, 2);
            gate.open();
            blocker.get(30, TimeUnit.SECONDS);
            first = one.get(30, TimeUnit.SECONDS);
            second = two.get(30, TimeUnit.SECONDS);
        }
        assertEquals(first.position(), second.position());
        assertEquals(new Position(3, first.position().epoch()), first.position());
        assertTrue(first.fresh() != second.fresh(), "exactly one of them logged it");
        assertEquals(List.of("e0", "e1", "dup"), ids(log.read(room, 0, 10)));
        assertEquals(3, log.head(room).orElseThrow().seq());
    }

    @Test
    void concurrentWritersInSeveralProcessesKeepOneGapFreeSequence() throws Exception {
        int processes = 4;
        int perProcess = 40;
        var logs = new ArrayList<EventLog>();
        for (int p = 0; p < processes; p++) {
            logs.add(newProcess());
        }
        var positions = new ConcurrentHashMap<String, Position>();
        var start = new CountDownLatch(1);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var futures = new ArrayList<Future<?>>();
            for (int p = 0; p < processes; p++) {
                for (int i = 0; i < perProcess; i++) {
                    var log = logs.get(p);
                    var id = "p" + p + "-" + i;
                    futures.add(pool.submit(() -> {
                        start.await();
                        return positions.put(id, log.append(room, event(id)));
                    }));
                }
            }
            start.countDown();
            for (var f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
        var stored = logs.get(0).read(room, 0, 1000);
        assertEquals(processes * perProcess, stored.size());
        assertEquals(1, stored.stream().map(LoggedEvent::epoch).distinct().count());
        for (int i = 0; i < stored.size(); i++) {
            assertEquals(i + 1, stored.get(i).seq(), "gap-free");
            assertEquals(positions.get(stored.get(i).eventId()), stored.get(i).position());
        }
        assertEquals(processes * perProcess, positions.values().stream().distinct().count(), "unique");
    }

    @Test
    void oneCommitCarriesSeveralRooms() throws Exception {
        var log = new EventLog(dynamo, table, Duration.ofHours(1), clock, 1); // one commit at a time: the rest wait
        var rooms = List.of(new Room("w1", "chat:1"), new Room("w1", "chat:2"), new Room("w2", "chat:1"));
        rooms.forEach(r -> log.append(r, event("warm-" + r.workspaceId() + r.name())));
        log.append(room, event("e0"));
        try (var gate = CALLS.gate("TransactWriteItems"); var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var blocker = pool.submit(() -> log.append(room, event("e1")));
            gate.awaitHeld();
            var all = pool.submit(() -> log.appendAll(rooms, event("multi")));
            awaitWaiting(log, rooms.size());
            CALLS.reset();
            gate.open();
            blocker.get(30, TimeUnit.SECONDS);
            assertEquals(List.of(2L, 2L, 2L), all.get(30, TimeUnit.SECONDS).stream().map(Position::seq).toList());
        }
        assertEquals(Map.of("TransactWriteItems", 1), CALLS.counts(), "all three rooms in one commit");
        for (var r : rooms) {
            assertEquals(List.of("warm-" + r.workspaceId() + r.name(), "multi"), ids(log.read(r, 0, 10)));
            assertEquals(2, log.claimed(r, "multi").orElseThrow().seq());
        }
    }

    @Test
    void itemsLoggedOneEventPerItemBeforeRunsExistedAreStillRead() {
        var item = new java.util.HashMap<>(EventLogTable.key(room, EventLogTable.eventSortKey(0, 1)));
        item.put("epoch", AttributeValue.fromS("old-epoch"));
        item.put("eventId", AttributeValue.fromS("legacy"));
        item.put("event", AttributeValue.fromS("chat.message"));
        item.put("publishedAt", AttributeValue.fromN("1764000000000"));
        item.put("data", AttributeValue.fromS("{\"text\":\"hi\"}"));
        item.put("ttl", AttributeValue.fromN(Long.toString(clock.instant().plusSeconds(600).getEpochSecond())));
        dynamo.putItem(b -> b.tableName(table).item(item));
        var events = newProcess().read(room, 0, 10);
        assertEquals(1, events.size());
        assertEquals(new Position(1, "old-epoch"), events.get(0).position());
        assertEquals("legacy", events.get(0).eventId());
        assertEquals("{\"text\":\"hi\"}", events.get(0).dataJson());
        assertTrue(events.get(0).correlationId() == null);
    }

    @Test
    void appendsFarFromTheStreamsEndWriteNoHeadOnlyTheRunAndTheClaims() {
        var a = newProcess();
        var b = newProcess();
        var first = a.append(room, event("e1")); // a new room: the stream starts through the head
        assertEquals(1L, headVersion(), "the start wrote the head once");
        assertEquals(2, b.append(room, event("e2")).seq()); // b reads the newest run once (a reverse Query)
        CALLS.reset();
        assertEquals(3, a.append(room, event("e3")).seq()); // a's tip is stale: one lost round on the run's key
        assertEquals(4, a.append(room, event("e4")).seq());
        assertEquals(Map.of("TransactWriteItems", 3), CALLS.counts(), "no reads, and no head in any of them");
        assertEquals(1L, headVersion(), "the head was not written again");
        assertEquals(List.of("e1", "e2", "e3", "e4"), ids(b.read(room, 0, 10)));
        assertEquals(new Position(4, first.epoch()), b.head(room).orElseThrow());
    }

    @Test
    void aWriterCloseToTheStreamsEndContinuesItThroughTheHead() {
        var log = newProcess();
        var first = log.append(room, event("e1"));
        // 59 minutes 30 s later the run of e1 expires in 30 s, within the minute's margin: the head takes the write
        clock.advance(Duration.ofMinutes(59).plusSeconds(30));
        var next = log.append(room, event("e2"));
        assertEquals(new Position(2, first.epoch()), next, "the same stream, continued");
        assertEquals(2L, headVersion());
        clock.advance(Duration.ofMinutes(50)); // e2's run is far from its end again: no head
        assertEquals(new Position(3, first.epoch()), log.append(room, event("e3")));
        assertEquals(2L, headVersion());
    }

    @Test
    void aWriterNearTheEndAndOneStartingTheNextStreamNeverFork() {
        var two = twoClocksAtTheStreamsEnd();
        var old = two.old();
        // b first: the stream has ended for b, which starts the next (ordinal 2) through the head
        var started = two.b().append(room, EventLogTest.event("e3", two.bClock().instant()));
        assertEquals(1, started.seq());
        assertNotEquals(old.epoch(), started.epoch());
        // a, near the end by its clock, goes through the head too, finds b's stream and continues that one
        var continued = two.a().append(room, EventLogTest.event("e4", two.aClock().instant()));
        assertEquals(new Position(2, started.epoch()), continued);
        assertEquals(List.of("e3", "e4"), ids(two.b().read(room, 0, 10)));
    }

    @Test
    void aWriterNearTheEndFirstKeepsTheStreamAndTheWouldBeStarterContinuesIt() {
        var two = twoClocksAtTheStreamsEnd();
        var old = two.old();
        // a first: near the end by its clock, it continues the stream (and bumps the head's version)
        assertEquals(new Position(3, old.epoch()),
                two.a().append(room, EventLogTest.event("e3", two.aClock().instant())));
        // b holds a tip that ended by its clock; it reads the head and then the newest run, a's, live: no new stream
        assertEquals(new Position(4, old.epoch()),
                two.b().append(room, EventLogTest.event("e4", two.bClock().instant())));
        assertEquals(List.of("e3", "e4"), ids(two.b().read(room, 2, 10)));
    }

    @Test
    void aNewStreamIsKeyedAboveTheExpiredOneSoAFreshProcessFindsIt() {
        var log = newProcess();
        var old = log.append(room, event("e1"));
        log.append(room, event("e2"));
        log.append(room, event("e3"));
        clock.advance(Duration.ofHours(2)); // DynamoDB Local never deletes the expired runs
        var fresh = log.append(room, event("e4"));
        assertEquals(1, fresh.seq());
        var other = newProcess();
        assertEquals(new Position(1, fresh.epoch()), other.head(room).orElseThrow());
        assertEquals(List.of("e4"), ids(other.read(room, 0, 10)));
        assertEquals(List.of("e4"), ids(other.read(room, new Position(0, fresh.epoch()), 10)));
        assertEquals(List.of(), other.read(room, new Position(0, old.epoch()), 10), "the old stream is gone");
        assertEquals(new Position(2, fresh.epoch()), other.append(room, event("e5")));
    }

    @Test
    void aStreamFromBeforeOrdinalsIsContinuedInItsOwnLayout() {
        long ttl = clock.instant().plus(Duration.ofMinutes(30)).getEpochSecond();
        var head = new java.util.HashMap<>(EventLogTable.key(room, EventLogTable.HEAD_SORT_KEY));
        head.put("last", AttributeValue.fromN("2"));
        head.put("epoch", AttributeValue.fromS("0123456789abcdef"));
        head.put("ttl", AttributeValue.fromN(Long.toString(ttl)));
        dynamo.putItem(b -> b.tableName(table).item(head));
        var run = new java.util.HashMap<>(LogItems.run(room, 0, 1, "0123456789abcdef", ttl,
                List.of(event("old1"), event("old2"))));
        assertEquals(EventLogTable.EVENT_PREFIX + "00000000000000000001", run.get("sk").s(), "the layout before");
        dynamo.putItem(b -> b.tableName(table).item(run));
        var log = newProcess();
        assertEquals(new Position(2, "0123456789abcdef"), log.head(room).orElseThrow());
        assertEquals(new Position(3, "0123456789abcdef"), log.append(room, event("e3")));
        assertEquals(List.of("old1", "old2", "e3"), ids(newProcess().read(room, 0, 10)));
        assertTrue(dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(EventLogTable.key(room, EventLogTable.eventSortKey(0, 3)))).hasItem(), "e3's run, keyed as before");
        // when it ends, the next stream gets ordinal 1
        clock.advance(Duration.ofHours(2));
        var fresh = log.append(room, event("e4"));
        assertEquals(1, fresh.seq());
        assertTrue(dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(EventLogTable.key(room, EventLogTable.eventSortKey(1, 1)))).hasItem());
        assertEquals(List.of("e4"), ids(newProcess().read(room, 0, 10)));
    }

    /**
     * Two processes that logged e1 and e2, whose clocks then disagree about the stream's end: a's says it ends in 30 s,
     * b's that it ended a minute ago.
     */
    private record TwoClocks(EventLog a, MutableClock aClock, EventLog b, MutableClock bClock, Position old) {
    }

    private TwoClocks twoClocksAtTheStreamsEnd() {
        var aClock = MutableClock.startingNow();
        var bClock = MutableClock.startingNow();
        var a = new EventLog(dynamo, table, Duration.ofHours(1), aClock);
        var b = new EventLog(dynamo, table, Duration.ofHours(1), bClock);
        var old = a.append(room, EventLogTest.event("e1", aClock.instant()));
        b.append(room, EventLogTest.event("e2", bClock.instant()));
        aClock.advance(Duration.ofMinutes(59).plusSeconds(30));
        bClock.advance(Duration.ofHours(1).plusMinutes(1));
        return new TwoClocks(a, aClock, b, bClock, old);
    }

    /** The {@code #head} item's version (null without one). */
    private Long headVersion() {
        var item = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(EventLogTable.key(room, EventLogTable.HEAD_SORT_KEY))).item();
        return item == null || !item.containsKey("ver") ? null : Long.parseLong(item.get("ver").n());
    }

    /** Waits (bounded) until {@code count} appends are queued behind the gated commit. */
    private static void awaitWaiting(EventLog log, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (log.waitingAppends() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + log.waitingAppends() + " of " + count + " appends queued");
            }
            Thread.sleep(5);
        }
    }

    private long itemsInRoomPartition() {
        return dynamo.query(QueryRequest.builder().tableName(table)
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(EventLogTable.roomKey(room))))
                .consistentRead(true).build()).count();
    }

    private static List<String> ids(List<LoggedEvent> events) {
        return events.stream().map(LoggedEvent::eventId).toList();
    }

    private static List<Long> stored(List<LoggedEvent> events) {
        return events.stream().map(LoggedEvent::seq).toList();
    }

    /** Counts the client's operations, and can hold the next call of one operation until told to let it go. */
    static final class Calls implements ExecutionInterceptor {
        private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        private volatile Gate gate;

        void reset() {
            counts.clear();
        }

        Map<String, Integer> counts() {
            var out = new java.util.TreeMap<String, Integer>();
            counts.forEach((k, v) -> out.put(k, v.get()));
            return out;
        }

        Gate gate(String operation) {
            gate = new Gate(operation);
            return gate;
        }

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            var operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
            counts.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
            var g = gate;
            if (g != null && g.operation.equals(operation) && g.claim()) {
                g.hold();
            }
        }

        final class Gate implements AutoCloseable {
            private final String operation;
            private final CountDownLatch held = new CountDownLatch(1);
            private final CountDownLatch released = new CountDownLatch(1);
            private final AtomicInteger claims = new AtomicInteger();

            Gate(String operation) {
                this.operation = operation;
            }

            private boolean claim() {
                return claims.getAndIncrement() == 0; // only the first such call waits
            }

            private void hold() {
                held.countDown();
                try {
                    if (!released.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("gate never opened");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }

            void awaitHeld() throws InterruptedException {
                if (!held.await(30, TimeUnit.SECONDS)) {
                    throw new AssertionError("the gated call never came");
                }
            }

            void open() {
                released.countDown();
            }

            @Override
            public void close() {
                open();
                gate = null;
            }
        }
    }
}
