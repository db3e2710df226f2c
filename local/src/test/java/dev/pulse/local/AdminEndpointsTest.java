package dev.pulse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulse.catalog.EventCatalog;
import dev.pulse.protocol.Json;
import dev.pulse.publish.Publisher;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/**
 * The admin page's JSON ({@code GET /admin/api/state}) after real traffic: real WebSocket clients, events through the
 * local bus and fan-out (one refused by the HYVVE catalog), and the disconnect button's endpoint closing a real
 * connection through the control path.
 */
class AdminEndpointsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static LocalSystem system;
    private static EventBridgeClient events;
    private static URI base;

    @BeforeAll
    static void start() {
        system = LocalSystem.start(LocalSettings.ephemeral().withHandlerSetting("PULSE_CATALOG", "hyvve"));
        events = system.eventBridgeClient();
        var ws = system.webSocketUri();
        base = URI.create("http://" + ws.getHost() + ":" + ws.getPort());
    }

    @AfterAll
    static void stop() {
        events.close();
        system.close();
    }

    @Test
    void theStateShowsConnectionsRoomsPresenceEventsRefusalsAndCounters() throws Exception {
        String aliceToken = system.tokens().issue("alice", "ws-admin", Duration.ofMinutes(10));
        try (var alice = TestClient.connect(system, aliceToken);
             var bob = TestClient.connect(system, system.tokens().issue("bob", "ws-admin", Duration.ofMinutes(10)))) {
            assertTrue(alice.join("chat:c1").path("ok").asBoolean());
            assertTrue(bob.join("chat:c1").path("ok").asBoolean());
            var hyvve = EventCatalog.load("hyvve");
            ObjectNode message = (ObjectNode) hyvve.event("chat.message").orElseThrow().examples().getFirst().deepCopy();
            new Publisher(events, "default", "com.hyvve.chat").event("chat.message").toRoom("ws-admin", "chat:c1")
                    .correlationId("corr-admin").data(message).send();
            var delivered = alice.awaitEvent("chat.message");
            ObjectNode bad = (ObjectNode) hyvve.event("approval.created").orElseThrow().examples().getFirst().deepCopy();
            String refusedId = put("approval.created", bad.put("workspaceId", "ws-admin").put("status", "maybe"));
            assertTrue(system.awaitDeliveries(WAIT), "deliveries did not finish");

            var state = awaitState(s -> find(s.path("refused"), "eventId", refusedId) != null);

            var aliceEntry = find(state.path("connections"), "connectionId", alice.connectionId());
            assertEquals("alice", aliceEntry.path("userId").asText());
            assertEquals("ws-admin", aliceEntry.path("workspaceId").asText());
            assertTrue(texts(aliceEntry.path("rooms")).contains("chat:c1"), aliceEntry.toString());
            assertFalse(aliceEntry.path("connectedAt").asText().isEmpty());
            assertEquals("bob", find(state.path("connections"), "connectionId", bob.connectionId()).path("userId").asText());

            var chat = find(state.path("rooms"), "room", "chat:c1");
            assertEquals("ws-admin", chat.path("workspaceId").asText());
            assertEquals(List.of("alice", "bob"), texts(chat.path("members"), "userId"));
            assertEquals(List.of("alice", "bob"), texts(chat.path("presence"), "userId"));

            var event = find(state.path("events"), "eventId", delivered.path("eventId").asText());
            assertEquals("chat:c1", event.path("room").asText());
            assertEquals(delivered.path("seq").asLong(), event.path("seq").asLong());
            assertEquals(delivered.path("epoch").asText(), event.path("epoch").asText());
            assertEquals("corr-admin", event.path("correlationId").asText());

            var refused = find(state.path("refused"), "eventId", refusedId);
            assertEquals("invalid_payload", refused.path("rejected").asText());
            assertEquals("$.status", refused.path("violations").path(0).path("path").asText());
            assertEquals("approval.created", refused.path("detailType").asText());
            assertTrue(refused.path("event").isMissingNode(), "the refused event's payload stays off the page");

            assertTrue(metric(state, "Connects", Map.of()) >= 2, state.path("metrics").toString());
            assertTrue(metric(state, "Actions", Map.of("Action", "room.join")) >= 2);
            assertTrue(metric(state, "EventsRefused", Map.of("Reason", "invalid_payload")) >= 1);
            String text = state.toString();
            assertFalse(text.contains(aliceToken), "a token on the admin page");
            assertFalse(text.contains(message.path("content").asText("\u0000")), "a payload on the admin page");
        }
    }

    @Test
    void theDisconnectButtonClosesTheConnectionThroughTheControlPath() throws Exception {
        try (var carol = TestClient.connect(system, system.tokens().issue("carol", "ws-admin-close", Duration.ofMinutes(10)))) {
            String id = carol.connectionId();
            awaitState(s -> find(s.path("connections"), "connectionId", id) != null);

            var answer = post("/admin/api/disconnect", "application/json",
                    Json.object().put("workspaceId", "ws-admin-close").put("connectionId", id).toString());
            assertEquals(200, answer.statusCode(), answer.body());
            assertFalse(Json.MAPPER.readTree(answer.body()).path("commandId").asText().isEmpty());

            carol.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            awaitState(s -> find(s.path("connections"), "connectionId", id) == null);
        }
    }

    @Test
    void badRequestsAreRefusedAndThePageIsServed() throws Exception {
        // Not JSON: a form post from another origin needs no preflight, so it is refused.
        assertEquals(405, post("/admin/api/disconnect", "text/plain", "{\"workspaceId\":\"w\",\"connectionId\":\"c\"}")
                .statusCode());
        assertEquals(400, post("/admin/api/disconnect", "application/json", "{\"workspaceId\":\"w\"}").statusCode());
        assertEquals(400, post("/admin/api/disconnect", "application/json", "not json").statusCode());
        var page = HTTP.send(HttpRequest.newBuilder(base.resolve("/admin")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("content-type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("Pulse · local admin"), page.body());
    }

    private static String put(String detailType, JsonNode detail) {
        var response = events.putEvents(r -> r.entries(PutEventsRequestEntry.builder()
                .source("com.hyvve.api").detailType(detailType).eventBusName("default").detail(detail.toString()).build()));
        assertEquals(0, response.failedEntryCount(), response.toString());
        return response.entries().getFirst().eventId();
    }

    private static HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).header("content-type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode state() throws Exception {
        var response = HTTP.send(HttpRequest.newBuilder(base.resolve("/admin/api/state")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("application/json"));
        return Json.MAPPER.readTree(response.body());
    }

    /** Metrics are flushed as each invocation ends, and a close's $disconnect comes after the client saw it: wait. */
    private static JsonNode awaitState(Predicate<JsonNode> ready) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode state = state();
        while (!ready.test(state) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            state = state();
        }
        assertTrue(ready.test(state), state.toString());
        return state;
    }

    private static JsonNode find(JsonNode list, String field, String value) {
        for (JsonNode item : list) {
            if (value.equals(item.path(field).asText())) {
                return item;
            }
        }
        return null;
    }

    private static List<String> texts(JsonNode list) {
        var out = new ArrayList<String>();
        list.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<String> texts(JsonNode list, String field) {
        var out = new ArrayList<String>();
        list.forEach(n -> out.add(n.path(field).asText()));
        return out;
    }

    private static double metric(JsonNode state, String name, Map<String, String> dimensions) {
        for (JsonNode m : state.path("metrics")) {
            if (name.equals(m.path("metric").asText())
                    && Json.MAPPER.convertValue(m.path("dimensions"), Map.class).equals(dimensions)) {
                return m.path("sum").asDouble();
            }
        }
        return 0;
    }
}
