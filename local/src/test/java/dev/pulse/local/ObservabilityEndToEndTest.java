package dev.pulse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.protocol.Json;
import dev.pulse.publish.Publisher;
import dev.pulse.support.log.StdoutLines;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What an operator sees after real traffic through the local system (README, "Operating it"): the handlers' log
 * lines (one JSON object per line, each carrying the invocation's context, refusals at warn, never a token) and their
 * EMF documents, read back as CloudWatch would: each line with an {@code _aws} directive, its metrics summed per name
 * and dimension values. Each test keeps to its own workspace.
 */
@ExtendWith(SharedLocalSystem.class)
class ObservabilityEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static LocalSystem system;

    @BeforeAll
    static void start() {
        system = SharedLocalSystem.get();
    }

    @Test
    void connectsJoinsDeliveriesRefusalsAndDisconnectsAreLoggedWithTheirContext() throws Exception {
        String token = system.tokens().issue("lena", "ws-logs", Duration.ofMinutes(10));
        try (var out = StdoutLines.capture()) {
            TestClient.refusedUpgrade(system, "not-a-jwt");
            var client = TestClient.connect(system, token);
            String connectionId = client.connectionId();
            assertTrue(client.join("project:logs").path("ok").asBoolean());
            assertEquals("forbidden", client.join("user:ws-logs:someone-else").path("error").path("code").asText());
            new Publisher(system.eventBridgeClient(), "default", "com.acme.logs").event("approval.created")
                    .toRoom("ws-logs", "project:logs").correlationId("corr-logs").data(Map.of("id", "a-1")).send();
            client.awaitEvent("approval.created");
            client.closeNormally();

            var connected = await(out, line -> "connected".equals(line.path("outcome").asText())
                    && connectionId.equals(line.path("connectionId").asText()));
            assertEquals("INFO", connected.path("level").asText());
            assertEquals("$connect", connected.path("route").asText());
            assertEquals("lena", connected.path("userId").asText());
            assertEquals("ws-logs", connected.path("workspaceId").asText());
            assertFalse(connected.path("requestId").asText().isEmpty(), connected.toString());

            var joined = await(out, line -> "room.join".equals(line.path("action").asText())
                    && "ok".equals(line.path("outcome").asText()) && connectionId.equals(line.path("connectionId").asText()));
            assertEquals("INFO", joined.path("level").asText());
            assertEquals("$default", joined.path("route").asText());
            assertEquals("lena", joined.path("userId").asText());

            var refusedJoin = await(out, line -> "refused".equals(line.path("outcome").asText())
                    && connectionId.equals(line.path("connectionId").asText()));
            assertEquals("WARN", refusedJoin.path("level").asText());
            assertEquals("forbidden", refusedJoin.path("reason").asText());
            assertEquals("room.join", refusedJoin.path("action").asText());

            var refusedConnect = await(out, line -> "$connect".equals(line.path("route").asText())
                    && "refused".equals(line.path("outcome").asText()) && line.path("userId").isMissingNode());
            assertEquals("WARN", refusedConnect.path("level").asText());
            assertEquals(401, refusedConnect.path("status").asInt());
            assertFalse(refusedConnect.path("connectionId").asText().isEmpty());

            var delivered = await(out, line -> "corr-logs".equals(line.path("correlationId").asText())
                    && "delivered".equals(line.path("outcome").asText()));
            assertEquals("fanout", delivered.path("route").asText());
            assertEquals("approval.created", delivered.path("action").asText());
            assertEquals(1, delivered.path("delivered").asInt(), delivered.toString());
            assertFalse(delivered.path("requestId").asText().isEmpty(), "the EventBridge event id: " + delivered);

            var disconnected = await(out, line -> "disconnected".equals(line.path("outcome").asText())
                    && connectionId.equals(line.path("connectionId").asText()));
            assertEquals("$disconnect", disconnected.path("route").asText());
            assertEquals("lena", disconnected.path("userId").asText());

            for (String line : out.lines()) {
                assertFalse(line.contains(token), "a token was logged: " + line);
                assertFalse(line.contains("not-a-jwt"), "a token was logged: " + line);
                if (line.contains("\"logger\":\"dev.pulse.")) {
                    var json = Json.MAPPER.readTree(line);
                    assertTrue(json.hasNonNull("route") && json.hasNonNull("outcome"),
                            "every handler line says its route and outcome: " + line);
                }
            }
        }
    }

    @Test
    void failedPostsAndControlCommandsAreLoggedWithAnOutcome() throws Exception {
        var client = TestClient.connect(system, system.tokens().issue("ivo", "ws-rare", Duration.ofMinutes(10)));
        String connectionId = client.connectionId();
        try (var out = StdoutLines.capture()) {
            system.gateway().failPosts(id -> id.equals(connectionId) ? 500 : 0);
            try {
                new Publisher(system.eventBridgeClient(), "default", "com.acme.rare").event("approval.created")
                        .toWorkspace("ws-rare").correlationId("corr-rare").data(Map.of("id", "r-1")).send();
                assertTrue(system.awaitDeliveries(WAIT), "deliveries did not finish");
            } finally {
                system.gateway().failPosts(null);
            }
            new Publisher(system.eventBridgeClient(), "default", "com.acme.rare").closeConnections("ws-rare", "ivo");
            client.closed.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);

            var failed = await(out, line -> line.path("message").asText().startsWith("post to " + connectionId));
            assertEquals("WARN", failed.path("level").asText());
            assertEquals("failed", failed.path("outcome").asText(), failed.toString());
            // Written on the direct post path's selector thread, which has no invocation context: the outcome is the
            // line's own (the connection is in the message).
            var control = await(out, line -> line.path("message").asText().startsWith("control command=connections.close")
                    && line.path("message").asText().contains("workspaceId=ws-rare"));
            assertEquals("INFO", control.path("level").asText());
            assertEquals("ok", control.path("outcome").asText(), control.toString());
        }
    }

    /** The first JSON line that matches, waiting (bounded) for it: some are written just after the client is answered. */
    private static JsonNode await(StdoutLines out, Predicate<JsonNode> match) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            seen = out.lines();
            for (String line : seen) {
                if (line.startsWith("{")) {
                    var json = Json.MAPPER.readTree(line);
                    if (match.test(json)) {
                        return json;
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no such log line in:\n" + String.join("\n", seen));
    }

    @Test
    void connectsJoinsRefusalsAndDeliveriesAreCountedWithBoundedDimensions() throws Exception {
        String token = system.tokens().issue("mia", "ws-metrics", Duration.ofMinutes(10));
        // The documents the handlers wrote from here on, as they are written (locally to LocalMetrics, not stdout);
        // another test's fan-out still flushing would count its delivery here.
        assertTrue(system.awaitDeliveries(WAIT), "earlier deliveries did not finish");
        long mark = system.metrics().mark();
        Documents out = () -> system.metrics().documentsSince(mark);
        {
            TestClient.refusedUpgrade(system, "not-a-jwt");
            var client = TestClient.connect(system, token);
            assertTrue(client.join("project:metrics").path("ok").asBoolean());
            assertEquals("forbidden", client.join("user:ws-metrics:other").path("error").path("code").asText());
            assertEquals("unknown_action", client.request("no.such.action", null).path("error").path("code").asText());
            new Publisher(system.eventBridgeClient(), "default", "com.acme.metrics").event("approval.created")
                    .toRoom("ws-metrics", "project:metrics").data(Map.of("id", "m-1")).send();
            var event = client.awaitEvent("approval.created");
            assertTrue(system.awaitDeliveries(WAIT), "deliveries did not finish");
            // Another user: its arrival reaches mia in the window's presence.diff.
            var other = TestClient.connect(system, system.tokens().issue("noa", "ws-metrics", Duration.ofMinutes(10)));
            var resumed = client.request("sync.request", Json.object().set("positions", Json.object()
                    .set("project:metrics", Json.object().put("seq", 0).put("epoch", event.path("epoch").asText()))));
            assertEquals(1, resumed.path("data").path("events").asInt(), resumed.toString());
            var lost = client.request("sync.request", Json.object().set("positions", Json.object()
                    .set("project:metrics", Json.object().put("seq", 5).put("epoch", "an-old-epoch"))));
            assertTrue(lost.path("ok").asBoolean(), lost.toString());
            // Counted by the window's flush, before anyone leaves: an arrival and departure in one window cancel out.
            awaitAtLeast(out, "PresenceSignals", Map.of(), 1);
            other.closeNormally();
            client.closeNormally();

            awaitSum(out, "ConnectsRefused", Map.of("Reason", "token_malformed"), 1);
            awaitSum(out, "Actions", Map.of("Action", "room.join"), 1);
            awaitSum(out, "ActionsRefused", Map.of("Action", "room.join", "Reason", "forbidden"), 1);
            // A name no client can be trusted with as a dimension value is counted as unknown.
            awaitSum(out, "ActionsRefused", Map.of("Action", "unknown", "Reason", "unknown_action"), 1);
            awaitSum(out, "EventsAdmitted", Map.of(), 1);
            awaitSum(out, "Deliveries", Map.of(), 1);
            awaitSum(out, "Gone", Map.of(), 0);
            awaitSum(out, "FailedPosts", Map.of(), 0);
            assertTrue(sum(out, "Connects", Map.of()) >= 1);
            awaitAtLeast(out, "Disconnects", Map.of(), 1);
            awaitSum(out, "SyncReplayedEvents", Map.of(), 1);
            awaitSum(out, "SyncLost", Map.of(), 1);
            var latencies = values(out, "DeliveryLatency", Map.of());
            assertEquals(1, latencies.size(), "one published event, one latency: " + latencies);
            assertTrue(latencies.getFirst() >= 0);
            assertEquals(1, values(out, "FanOutDuration", Map.of()).size());
            // The counters the admin page shows are those documents summed (since the system started).
            var totals = system.metrics().totals();
            assertTrue(totals.get(new LocalMetrics.Series("Deliveries", Map.of())).sum() >= 1, totals.toString());
            var refusedJoins = totals.get(new LocalMetrics.Series("ActionsRefused",
                    Map.of("Action", "room.join", "Reason", "forbidden")));
            assertTrue(refusedJoins.sum() >= 1 && "Count".equals(refusedJoins.unit()), totals.toString());
            var latency = totals.get(new LocalMetrics.Series("DeliveryLatency", Map.of()));
            assertTrue(latency.values() >= 1 && "Milliseconds".equals(latency.unit()), totals.toString());

            for (JsonNode document : documents(out)) {
                var directive = document.path("_aws").path("CloudWatchMetrics").get(0);
                assertEquals("Pulse", directive.path("Namespace").asText());
                for (JsonNode dimensions : directive.path("Dimensions")) {
                    for (JsonNode name : dimensions) {
                        assertTrue(List.of("Action", "Reason").contains(name.asText()), "unbounded dimension: " + document);
                    }
                }
                assertFalse(document.toString().contains(token), "a token in a metric: " + document);
                assertFalse(document.toString().contains("m-1"), "a payload in a metric: " + document);
            }
        }
    }

    /** The EMF documents written since the test began. */
    private interface Documents {
        List<String> lines();
    }

    private static List<JsonNode> documents(Documents out) throws Exception {
        var documents = new ArrayList<JsonNode>();
        for (String line : out.lines()) {
            if (line.startsWith("{\"_aws\"")) {
                documents.add(Json.MAPPER.readTree(line));
            }
        }
        return documents;
    }

    /** Every value of a metric under exactly these dimension values. */
    private static List<Double> values(Documents out, String metric, Map<String, String> dimensions) throws Exception {
        var values = new ArrayList<Double>();
        for (JsonNode document : documents(out)) {
            var names = new ArrayList<String>();
            document.path("_aws").path("CloudWatchMetrics").get(0).path("Dimensions").get(0).forEach(n -> names.add(n.asText()));
            var found = new TreeMap<String, String>();
            names.forEach(name -> found.put(name, document.path(name).asText()));
            if (!found.equals(new TreeMap<>(dimensions)) || !document.has(metric)) {
                continue;
            }
            JsonNode value = document.path(metric);
            if (value.isArray()) {
                value.forEach(v -> values.add(v.asDouble()));
            } else {
                values.add(value.asDouble());
            }
        }
        return values;
    }

    private static double sum(Documents out, String metric, Map<String, String> dimensions) throws Exception {
        return values(out, metric, dimensions).stream().mapToDouble(Double::doubleValue).sum();
    }

    /** Metrics are flushed as each invocation ends, just after the client was answered: wait (bounded) for them. */
    private static void awaitSum(Documents out, String metric, Map<String, String> dimensions, double expected)
            throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (sum(out, metric, dimensions) < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(expected, sum(out, metric, dimensions), metric + " " + dimensions);
    }

    private static void awaitAtLeast(Documents out, String metric, Map<String, String> dimensions, double least)
            throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (sum(out, metric, dimensions) < least && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(sum(out, metric, dimensions) >= least, metric + " " + dimensions);
    }
}
