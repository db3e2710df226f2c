package dev.pulse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.protocol.Json;
import dev.pulse.publish.Publisher;
import dev.pulse.support.log.StdoutLines;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The handlers' log lines after real traffic through the local system: one JSON object per line, each carrying the
 * invocation's context (README, "Logs"), refusals at warn, and never a token.
 */
@ExtendWith(SharedLocalSystem.class)
class LogLinesEndToEndTest {
    private static final String WORKSPACE = "ws-logs";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static LocalSystem system;

    @BeforeAll
    static void start() {
        system = SharedLocalSystem.get();
    }

    @Test
    void connectsJoinsDeliveriesRefusalsAndDisconnectsAreLoggedWithTheirContext() throws Exception {
        String token = system.tokens().issue("lena", WORKSPACE, Duration.ofMinutes(10));
        try (var out = StdoutLines.capture()) {
            var refusedUpgrade = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create(system.webSocketUri() + "?token=not-a-jwt"), new java.net.http.WebSocket.Listener() { });
            var refusal = assertThrows(java.util.concurrent.CompletionException.class, refusedUpgrade::join);
            assertTrue(refusal.getCause().getMessage() == null || !refusal.getCause().getMessage().isEmpty());
            var client = TestClient.connect(system, token);
            String connectionId = client.connectionId();
            assertTrue(client.join("project:logs").path("ok").asBoolean());
            assertEquals("forbidden", client.join("user:" + WORKSPACE + ":someone-else").path("error").path("code").asText());
            new Publisher(system.eventBridgeClient(), "default", "com.acme.logs").event("approval.created")
                    .toRoom(WORKSPACE, "project:logs").correlationId("corr-logs").data(Map.of("id", "a-1")).send();
            client.awaitEvent("approval.created");
            client.closeNormally();

            var connected = await(out, line -> "connected".equals(line.path("outcome").asText())
                    && connectionId.equals(line.path("connectionId").asText()));
            assertEquals("INFO", connected.path("level").asText());
            assertEquals("$connect", connected.path("route").asText());
            assertEquals("lena", connected.path("userId").asText());
            assertEquals(WORKSPACE, connected.path("workspaceId").asText());
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
}
