package dev.pulse.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.model.Connection;
import dev.pulse.model.EventContent;
import dev.pulse.model.Position;
import dev.pulse.model.Room;
import dev.pulse.store.ConnectionStore;
import dev.pulse.store.MembershipStore;
import dev.pulse.support.Backoff;
import dev.pulse.testing.DynamoDbLocal;
import dev.pulse.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The fan-out's retries and its record of what it could not deliver, with memberships on DynamoDB Local and a sender
 * that answers as a script says per connection (the HTTP side is {@code DirectPostSenderTest}'s and the end-to-end
 * fault test's).
 */
class FanOutRetriesTest {
    private static DynamoDbClient dynamo;

    private final MutableClock clock = MutableClock.startingNow();
    private final Map<String, List<SendResult>> script = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> posts = new ConcurrentHashMap<>();
    private final InMemoryUndelivered undelivered = new InMemoryUndelivered();
    private final Room room = new Room("w1", "chat:1");
    private MembershipStore memberships;
    private ConnectionStore connections;

    /** Answers the scripted results in turn, then DELIVERED. */
    private final ConnectionSender sender = (id, frame) -> {
        int n = posts.computeIfAbsent(id, k -> new AtomicInteger()).getAndIncrement();
        var answers = script.getOrDefault(id, List.of());
        return n < answers.size() ? answers.get(n) : SendResult.DELIVERED;
    };

    @BeforeAll
    static void client() {
        dynamo = DynamoDbLocal.client();
    }

    @AfterAll
    static void close() {
        dynamo.close();
    }

    @BeforeEach
    void wire() {
        String table = DynamoDbLocal.createConnectionsTable();
        connections = new ConnectionStore(dynamo, table, clock);
        memberships = new MembershipStore(dynamo, table, clock);
        for (String id : List.of("c1", "c2", "c3", "c4")) {
            connections.open(Connection.builder().connectionId(id).userId("u-" + id).workspaceId("w1")
                    .connectedAt(clock.instant()).expiresAt(clock.instant().plus(Duration.ofHours(2))).build(), List.of(room));
        }
    }

    private FanOut fanOut(int attempts, UndeliveredSink sink) {
        return new FanOut(memberships, new Poster(sender, 4), new PostRetries(attempts, new Backoff(Duration.ZERO,
                Duration.ZERO)), sink);
    }

    private Delivery logged() {
        return new Delivery(List.of(room), List.of(new Position(7, "epoch-1")), content(), null);
    }

    private static EventContent content() {
        return new EventContent("e1", "chat.message", Instant.parse("2026-11-22T10:00:00Z"), "corr-e1", "{\"text\":\"hi\"}");
    }

    @Test
    void retryablePostsAreRetriedWithinTheBudgetAndWhatIsLeftIsRecordedOnce() {
        script.put("c1", List.of(SendResult.RETRYABLE, SendResult.RETRYABLE)); // through on the third attempt
        script.put("c2", List.of(SendResult.RETRYABLE, SendResult.RETRYABLE, SendResult.RETRYABLE)); // never, with 3
        script.put("c3", List.of(SendResult.FAILED)); // refused: not retried
        var posted = fanOut(3, undelivered).deliver(logged());

        assertEquals(4, posted.recipients());
        assertEquals(2, posted.delivered(), "c1 after retries, c4 at once");
        assertEquals(2, posted.failed());
        assertEquals(4, posted.retried(), "c1 and c2 posted again in each of two rounds");
        assertEquals(3, posts.get("c1").get());
        assertEquals(3, posts.get("c2").get(), "the budget, no more");
        assertEquals(1, posts.get("c3").get(), "a refusal is not retried");
        assertEquals(1, undelivered.all().size());
        var entry = undelivered.all().getFirst();
        assertEquals("e1", entry.eventId());
        assertEquals("corr-e1", entry.correlationId());
        assertEquals("w1", entry.workspaceId());
        assertEquals(List.of("chat:1"), entry.rooms());
        assertEquals(3, entry.attempts());
        assertEquals(List.of(new Undelivered.Connection("c2", Undelivered.Reason.RETRIES_EXHAUSTED),
                new Undelivered.Connection("c3", Undelivered.Reason.REFUSED)), entry.frames().getFirst().connections());
        assertTrue(entry.frames().getFirst().frame().contains("\"seq\":7"), entry.frames().getFirst().frame());
    }

    @Test
    void aReplayPostsTheRecordedFramesAgainAndRecordsWhatStillFails() {
        script.put("c2", List.of(SendResult.RETRYABLE, SendResult.RETRYABLE));
        script.put("c3", List.of(SendResult.RETRYABLE, SendResult.RETRYABLE, SendResult.RETRYABLE, SendResult.RETRYABLE));
        var fanOut = fanOut(2, undelivered);
        fanOut.deliver(logged());
        var entry = undelivered.all().getFirst();
        assertEquals(2, entry.connectionCount());

        var replayed = fanOut.replay(entry);
        assertEquals(1, replayed.delivered(), "c2 now goes through");
        assertEquals(1, replayed.failed(), "c3 still fails");
        assertEquals(2, undelivered.all().size());
        assertEquals(List.of(new Undelivered.Connection("c3", Undelivered.Reason.RETRIES_EXHAUSTED)),
                undelivered.all().get(1).frames().getFirst().connections());
        assertEquals(entry.frames().getFirst().frame(), undelivered.all().get(1).frames().getFirst().frame());
    }

    @Test
    void unloggedSignalsAreRetriedButNotRecorded() {
        script.put("c1", List.of(SendResult.RETRYABLE, SendResult.RETRYABLE));
        var posted = fanOut(2, undelivered).deliver(new Delivery(List.of(room), List.of(), content(), null));
        assertEquals(1, posted.failed());
        assertEquals(List.of(), undelivered.all());
    }

    @Test
    void aSinkThatFailsFailsTheDeliverySoTheEventIsRetriedAsAWhole() {
        script.put("c1", List.of(SendResult.FAILED));
        var fanOut = fanOut(1, entry -> {
            throw new IllegalStateException("queue down");
        });
        assertThrows(IllegalStateException.class, () -> fanOut.deliver(logged()));
    }

    @Test
    void goneConnectionsAreReportedNotRecorded() {
        script.put("c4", List.of(SendResult.GONE));
        var posted = fanOut(2, undelivered).deliver(logged());
        assertEquals(List.of("c4"), posted.gone());
        assertEquals(0, posted.failed());
        assertEquals(List.of(), undelivered.all());
    }

    @Test
    void aBigEntryIsSplitIntoPartsThatTogetherHoldEveryConnectionOnce() {
        var connectionsLeft = new ArrayList<Undelivered.Connection>();
        for (int i = 0; i < 5000; i++) {
            connectionsLeft.add(new Undelivered.Connection("Q29ubmVjdGlvbi" + i + "=", Undelivered.Reason.RETRIES_EXHAUSTED));
        }
        var big = new Undelivered("e1", "chat.message", null, "w1", List.of("chat:1"), 4,
                List.of(new Undelivered.Frame("{\"type\":\"event\"}", connectionsLeft.subList(0, 2500)),
                        new Undelivered.Frame("{\"type\":\"event\",\"user\":1}", connectionsLeft.subList(2500, 5000))));
        var parts = big.split(100_000);
        assertTrue(parts.size() > 1, "split");
        var all = new ArrayList<Undelivered.Connection>();
        for (var part : parts) {
            assertTrue(part.toJson().toString().length() <= 100_000, "part of " + part.toJson().toString().length());
            assertEquals("e1", part.eventId());
            part.frames().forEach(f -> all.addAll(f.connections()));
        }
        assertEquals(connectionsLeft, all);
        assertEquals(List.of(big), big.split(10_000_000), "one part when it fits");
    }
}
