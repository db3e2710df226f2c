package dev.pulse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.delivery.PostRetries;
import dev.pulse.delivery.Undelivered;
import dev.pulse.protocol.Json;
import dev.pulse.publish.Publisher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Failed posts are retried, then recorded, never dropped: the whole path on real local parts (the stock EventBridge
 * client, the fan-out handler, the direct post path over HTTP), with the emulated {@code @connections} API made to
 * answer 429 or 500 for some connections by its test-only fault switch ({@code WebSocketGateway.failPosts}), which
 * nothing but tests sets.
 */
@ExtendWith(SharedLocalSystem.class)
class FailedPostsEndToEndTest {
    private static LocalSystem system;
    private static Publisher publisher;
    private final List<TestClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() {
        system = SharedLocalSystem.get();
        publisher = new Publisher(system.eventBridgeClient(), "default", "com.acme.approvals");
    }

    @AfterEach
    void cleanUp() {
        system.gateway().failPosts(null);
        clients.forEach(TestClient::close);
    }

    private TestClient connect(String user, String workspace) {
        var client = TestClient.connect(system, system.tokens().issue(user, workspace, Duration.ofMinutes(10)));
        clients.add(client);
        return client;
    }

    /** Bounded wait until the emulator answers 410 for the connection (its close has been handled). */
    private static void awaitGone(String connectionId) throws InterruptedException {
        try (var management = software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient.builder()
                .endpointOverride(system.managementEndpoint()).region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(LocalSystem.LOCAL_CREDENTIALS)
                .httpClient(software.amazon.awssdk.http.apache.ApacheHttpClient.create()).build()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline) {
                try {
                    management.getConnection(b -> b.connectionId(connectionId));
                } catch (software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException gone) {
                    return;
                }
                Thread.sleep(20);
            }
            throw new AssertionError("connection " + connectionId + " still open after 10 s");
        }
    }

    private static String connectionId(TestClient client) throws InterruptedException {
        return client.request("connection.info", null).path("data").path("connectionId").asText();
    }

    @Test
    void throttledPostsAreRetriedAndThoseFailingEveryAttemptAreRecordedThenReplayed() throws Exception {
        var healthy = connect("ok", "ws-faults");
        var throttled = connect("throttled", "ws-faults");
        var failing = connect("failing", "ws-faults");
        String throttledId = connectionId(throttled);
        String failingId = connectionId(failing);
        var attempts = new ConcurrentHashMap<String, AtomicInteger>();
        system.gateway().failPosts(id -> {
            int n = attempts.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            if (id.equals(throttledId)) {
                return n <= 2 ? 429 : 0; // throttled twice, then through: within the retries
            }
            return id.equals(failingId) ? 500 : 0; // fails on every attempt
        });

        String eventId = publisher.event("approval.created").toWorkspace("ws-faults")
                .correlationId("corr-faults").data(Map.of("id", "appr-9")).send();

        JsonNode toHealthy = healthy.awaitEvent("approval.created");
        JsonNode toThrottled = throttled.awaitEvent("approval.created");
        assertEquals(eventId, toHealthy.path("eventId").asText());
        assertEquals(eventId, toThrottled.path("eventId").asText(), "delivered on the third attempt");
        assertTrue(system.awaitDeliveries(Duration.ofSeconds(20)), "deliveries did not finish");
        assertEquals(3, attempts.get(throttledId).get());
        assertEquals(PostRetries.DEFAULT.attempts(), attempts.get(failingId).get(), "every attempt of the budget, no more");

        var entries = system.undeliveredPosts().stream().filter(u -> u.eventId().equals(eventId)).toList();
        assertEquals(1, entries.size(), "one entry for the event");
        Undelivered entry = entries.getFirst();
        assertEquals("approval.created", entry.event());
        assertEquals("corr-faults", entry.correlationId());
        assertEquals("ws-faults", entry.workspaceId());
        assertEquals(List.of("workspace:ws-faults"), entry.rooms());
        assertEquals(1, entry.frames().size());
        assertEquals(List.of(new Undelivered.Connection(failingId, Undelivered.Reason.RETRIES_EXHAUSTED)),
                entry.frames().getFirst().connections(), "only the connection that never got it");
        JsonNode recordedFrame = Json.MAPPER.readTree(entry.frames().getFirst().frame());
        assertEquals(eventId, recordedFrame.path("eventId").asText());
        assertEquals(toHealthy.path("seq").asLong(), recordedFrame.path("seq").asLong(), "the frame the others got");
        assertEquals(entry, Undelivered.fromJson(Json.MAPPER.readTree(entry.toJson().toString())), "survives its JSON form");

        // The fault clears: replaying the entry delivers exactly that frame to the connection left.
        system.gateway().failPosts(null);
        var replayed = system.replay(Undelivered.fromJson(entry.toJson()));
        assertEquals(1, replayed.delivered());
        assertEquals(0, replayed.failed());
        JsonNode late = failing.awaitEvent("approval.created");
        assertEquals(recordedFrame, late);
        assertNull(healthy.drain().stream().filter(f -> f.path("eventId").asText().equals(eventId)).skip(1)
                .findFirst().orElse(null), "the others are not posted again");
    }

    @Test
    void aClientEventPostedFromDefaultThatFailsEveryAttemptIsRecordedToo() throws Exception {
        // room.publish is delivered by $default, not the fan-out: the same retries, the same record (deployed, $default
        // sends it to the fan-out's dead-letter queue: FanOutQueueStackTest).
        var sender = connect("pub", "ws-faults-client");
        var failing = connect("unreachable", "ws-faults-client");
        sender.join("doc:1");
        failing.join("doc:1");
        String failingId = connectionId(failing);
        system.gateway().failPosts(id -> id.equals(failingId) ? 500 : 0);
        var reply = sender.request("room.publish", Json.object().put("room", "doc:1").put("event", "client.note")
                .set("data", Json.object().put("text", "hi")));
        assertTrue(reply.path("ok").asBoolean(), reply.toString());
        String eventId = reply.path("data").path("eventId").asText();
        var entry = system.undeliveredPosts().stream().filter(u -> u.eventId().equals(eventId)).findFirst().orElseThrow();
        assertEquals("client.note", entry.event());
        assertEquals(List.of("doc:1"), entry.rooms());
        assertEquals(List.of(new Undelivered.Connection(failingId, Undelivered.Reason.RETRIES_EXHAUSTED)),
                entry.frames().getFirst().connections());
    }

    @Test
    void aConnectionGoneMeanwhileIsReportedByTheReplayNotRecordedAgain() throws Exception {
        var failing = connect("leaving", "ws-faults-gone");
        String failingId = connectionId(failing);
        system.gateway().failPosts(id -> id.equals(failingId) ? 503 : 0);
        String eventId = publisher.event("approval.created").toWorkspace("ws-faults-gone").data(Map.of("id", "x")).send();
        assertTrue(system.awaitDeliveries(Duration.ofSeconds(20)), "deliveries did not finish");
        var entry = system.undeliveredPosts().stream().filter(u -> u.eventId().equals(eventId)).findFirst().orElseThrow();

        system.gateway().failPosts(null);
        failing.closeNormally();
        awaitGone(failingId);
        long before = system.undeliveredPosts().size();
        var replayed = system.replay(entry);
        assertEquals(List.of(failingId), replayed.gone());
        assertEquals(0, replayed.delivered());
        assertEquals(before, system.undeliveredPosts().size(), "nothing left to record");
    }
}
