package dev.pulse.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.model.EventContent;
import dev.pulse.model.EventEnvelope;
import dev.pulse.model.LoggedEvent;
import dev.pulse.model.Position;
import dev.pulse.model.Room;
import dev.pulse.model.Targets;
import dev.pulse.protocol.Json;
import dev.pulse.testing.DynamoDbLocal;
import dev.pulse.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

public class EventLogTest {
    private static DynamoDbClient dynamo;

    private final MutableClock clock = MutableClock.startingNow();
    private final Room room = new Room("w1", "chat:42");
    private String table;
    private EventLog log;

    @BeforeAll
    static void client() {
        dynamo = client(List.of());
    }

    /** A client with room for many concurrent writers, and the given interceptors. */
    static DynamoDbClient client(List<software.amazon.awssdk.core.interceptor.ExecutionInterceptor> interceptors) {
        return DynamoDbLocal.clientBuilder()
                .httpClientBuilder(software.amazon.awssdk.http.apache.ApacheHttpClient.builder().maxConnections(64))
                .overrideConfiguration(c -> interceptors.forEach(c::addExecutionInterceptor))
                .build();
    }

    @AfterAll
    static void close() {
        dynamo.close();
    }

    @BeforeEach
    void table() {
        table = createTable(dynamo);
        log = new EventLog(dynamo, table, Duration.ofHours(1), clock);
    }

    public static String createTable(DynamoDbClient dynamo) {
        var name = "events-" + UUID.randomUUID();
        dynamo.createTable(EventLogTable.createTableRequest(name));
        dynamo.updateTimeToLive(EventLogTable.timeToLiveRequest(name));
        return name;
    }

    static EventContent event(String id, Instant publishedAt) {
        return new EventEnvelope(id, "chat.message", "w1", new Targets(false, List.of(), List.of("chat:42")), null,
                "corr-" + id, publishedAt, Json.object().put("text", "hello " + id)).content();
    }

    private EventContent event(String id) {
        return event(id, clock.instant());
    }

    @Test
    void firstAppendStartsAtOneAndEachNextAppendAddsOne() {
        var first = log.append(room, event("e1"));
        var second = log.append(room, event("e2"));
        assertEquals(1, first.seq());
        assertEquals(2, second.seq());
        assertEquals(first.epoch(), second.epoch());
        assertEquals(second, log.head(room).orElseThrow());
    }

    @Test
    void roomsHaveIndependentSequences() {
        var other = new Room("w1", "chat:43");
        var otherWorkspace = new Room("w2", "chat:42");
        log.append(room, event("e1"));
        log.append(room, event("e2"));
        assertEquals(1, log.append(other, event("e3")).seq());
        assertEquals(1, log.append(otherWorkspace, event("e4")).seq());
        assertEquals(List.of("e1", "e2"), log.read(room, 0, 10).stream().map(LoggedEvent::eventId).toList());
    }

    @Test
    void readReturnsEverythingStoredInSequenceOrder() {
        var published = Instant.parse("2026-11-22T10:00:00.123Z");
        log.append(room, event("e1", published));
        log.append(room, event("e2", published));
        var events = log.read(room, 0, 10);
        assertEquals(2, events.size());
        var first = events.get(0);
        assertEquals(new Position(1, log.head(room).orElseThrow().epoch()), first.position());
        assertEquals("e1", first.eventId());
        assertEquals("chat.message", first.event());
        assertEquals(published, first.publishedAt());
        assertEquals("corr-e1", first.correlationId());
        assertEquals("{\"text\":\"hello e1\"}", first.dataJson());
        assertEquals(room, first.room());
        assertEquals(List.of("e2"), log.read(room, 1, 10).stream().map(LoggedEvent::eventId).toList());
        assertEquals(List.of(), log.read(room, 2, 10));
    }

    @Test
    void readStopsAtTheLimitSoTheCallerCanContinue() {
        for (int i = 1; i <= 25; i++) {
            log.append(room, event("e" + i));
        }
        var page = log.read(room, 0, 10);
        assertEquals(10, page.size());
        assertEquals(10, page.get(9).seq());
        var next = log.read(room, 10, 100);
        assertEquals(15, next.size());
        assertEquals(11, next.get(0).seq());
        assertEquals(25, next.get(14).seq());
    }

    @Test
    void duplicateDeliveryKeepsItsSequenceAndIsStoredOnce() {
        var first = log.append(room, event("e1"));
        log.append(room, event("e2"));
        var again = log.append(room, event("e1"));
        assertEquals(first, again);
        assertEquals(2, log.head(room).orElseThrow().seq(), "a redelivery allocates nothing");
        assertEquals(List.of("e1", "e2"), log.read(room, 0, 10).stream().map(LoggedEvent::eventId).toList());
        assertEquals(3, itemCount(), "one head and two events in the room's partition (the claims have their own)");
        assertTrue(log.claimed(room, "e1").isPresent());
    }

    @Test
    void concurrentDuplicateDeliveriesGetOneSequence() throws Exception {
        // one EventLog per writer, like separate Lambda environments: nothing in-process serialises them
        var results = runConcurrently(8, i -> newProcess().append(room, event("same")));
        assertEquals(1, new HashSet<>(results).size(), "every delivery sees the same position: " + results);
        assertEquals(1, log.head(room).orElseThrow().seq());
        assertEquals(1, log.read(room, 0, 10).size());
    }

    @Test
    void concurrentAppendsAreGapFreeAndUnique() throws Exception {
        int writers = 16;
        var results = runConcurrently(writers, i -> newProcess().append(room, event("e" + i)));
        var seqs = results.stream().map(Position::seq).sorted().toList();
        var expected = new ArrayList<Long>();
        for (long s = 1; s <= writers; s++) {
            expected.add(s);
        }
        assertEquals(expected, seqs);
        assertEquals(1, results.stream().map(Position::epoch).distinct().count());
        var stored = log.read(room, 0, 100);
        assertEquals(writers, stored.size());
        for (int i = 0; i < stored.size(); i++) {
            assertEquals(i + 1, stored.get(i).seq());
        }
        // each stored event sits at the position its append returned
        for (var e : stored) {
            int writer = Integer.parseInt(e.eventId().substring(1));
            assertEquals(results.get(writer), e.position());
        }
    }

    @Test
    void outOfOrderArrivalIsLoggedInArrivalOrderAndRedeliveryKeepsTheFirstPosition() {
        var t0 = Instant.parse("2026-11-22T10:00:00Z");
        // published e1 < e2 < e3, but they arrive e3, e1, e2, then e3 again
        var p3 = log.append(room, event("e3", t0.plusSeconds(3)));
        var p1 = log.append(room, event("e1", t0.plusSeconds(1)));
        var p2 = log.append(room, event("e2", t0.plusSeconds(2)));
        var p3again = log.append(room, event("e3", t0.plusSeconds(3)));
        assertEquals(List.of(1L, 2L, 3L), List.of(p3.seq(), p1.seq(), p2.seq()));
        assertEquals(p3, p3again);
        assertEquals(List.of("e3", "e1", "e2"), log.read(room, 0, 10).stream().map(LoggedEvent::eventId).toList());
    }

    @Test
    void expiredEntriesAreFilteredOnRead() {
        log.append(room, event("old1"));
        log.append(room, event("old2"));
        clock.advance(Duration.ofMinutes(40));
        log.append(room, event("new3"));
        clock.advance(Duration.ofMinutes(30)); // old1, old2 are past the 1 h retention; new3 is not
        var events = log.read(room, 0, 10);
        assertEquals(List.of("new3"), events.stream().map(LoggedEvent::eventId).toList());
        assertEquals(3, events.get(0).seq(), "the caller sees the hole before seq 3");
        assertEquals(3, log.head(room).orElseThrow().seq());
        assertTrue(log.claimed(room, "old1").isEmpty());
        assertEquals(3, log.claimed(room, "new3").orElseThrow().seq());
    }

    @Test
    void aRoomSilentLongerThanTheRetentionStartsANewEpoch() {
        var old = log.append(room, event("e1"));
        log.append(room, event("e2"));
        clock.advance(Duration.ofHours(2));
        assertTrue(log.head(room).isEmpty());
        var fresh = log.append(room, event("e3"));
        assertEquals(1, fresh.seq());
        assertNotEquals(old.epoch(), fresh.epoch());
        assertEquals(List.of("e3"), log.read(room, 0, 10).stream().map(LoggedEvent::eventId).toList());
        // an id seen in the old epoch is a new event once its claim has expired
        var e1Again = log.append(room, event("e1"));
        assertEquals(new Position(2, fresh.epoch()), e1Again);
    }

    @Test
    void concurrentAppendsInOneProcessAreGapFreeToo() throws Exception {
        var results = runConcurrently(12, i -> log.append(room, event("e" + i)));
        assertEquals(12, new HashSet<>(results).size());
        assertEquals(12, log.head(room).orElseThrow().seq());
        assertEquals(12, log.read(room, 0, 100).size());
    }

    private EventLog newProcess() {
        return new EventLog(dynamo, table, Duration.ofHours(1), clock);
    }

    private long itemCount() {
        return dynamo.query(QueryRequest.builder().tableName(table)
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(java.util.Map.of(":pk", AttributeValue.fromS(EventLogTable.roomKey(room))))
                .consistentRead(true).build()).count();
    }

    interface Task {
        Position run(int index) throws Exception;
    }

    private static List<Position> runConcurrently(int n, Task task) throws Exception {
        var start = new CountDownLatch(1);
        try (var pool = Executors.newFixedThreadPool(n)) {
            var futures = new ArrayList<Future<Position>>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit((Callable<Position>) () -> {
                    start.await();
                    return task.run(index);
                }));
            }
            start.countDown();
            var results = new ArrayList<Position>();
            for (var f : futures) {
                results.add(f.get());
            }
            return results;
        }
    }
}
