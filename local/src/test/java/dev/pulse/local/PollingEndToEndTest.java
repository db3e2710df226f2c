package dev.pulse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The HTTP polling fallback ({@code POST /sync}) on the local stack: auth, tenancy, and the same answer as sync.request. */
@ExtendWith(SharedLocalSystem.class)
class PollingEndToEndTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static LocalSystem system;
    private static Publisher publisher;
    private static URI sync;

    @BeforeAll
    static void start() {
        system = SharedLocalSystem.get();
        publisher = new Publisher(system.eventBridgeClient(), "default", "com.acme.poll");
        var ws = system.webSocketUri();
        sync = URI.create("http://" + ws.getHost() + ":" + ws.getPort() + "/sync");
    }


    private static HttpResponse<String> post(String authorization, String body) throws Exception {
        var request = HttpRequest.newBuilder(sync).POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String token(String user, String workspace) {
        return "Bearer " + system.tokens().issue(user, workspace, Duration.ofMinutes(10));
    }

    private static String positions(String room, long seq) {
        return "{\"positions\":{\"" + room + "\":{\"seq\":" + seq + "}}}";
    }

    @Test
    void withoutPulseAllowedOriginsAnyPageMayPollAsOnTheDeployedApi() throws Exception {
        var preflight = CorsRequests.preflight(system, "https://any.example");
        assertEquals(204, preflight.statusCode());
        assertEquals("https://any.example", preflight.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        assertTrue(preflight.headers().firstValue("Access-Control-Allow-Headers").orElseThrow().contains("authorization"));
        var post = CorsRequests.post(system, "https://any.example");
        assertEquals(401, post.statusCode());
        assertEquals("https://any.example", post.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
    }

    @Test
    void otherMethodsAre405WithAllow() throws Exception {
        var response = HTTP.send(HttpRequest.newBuilder(sync).PUT(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, response.statusCode());
        assertEquals("OPTIONS, POST", response.headers().firstValue("Allow").orElseThrow());
    }

    @Test
    void withoutAValidTokenIs401() throws Exception {
        assertEquals(401, post(null, positions("chat:1", 0)).statusCode());
        assertEquals(401, post("Bearer not-a-jwt", positions("chat:1", 0)).statusCode());
        var forged = "Bearer " + new dev.pulse.auth.TokenIssuer("another-secret-of-at-least-32-bytes!!", "pulse-local", "pulse")
                .issue("u1", "wp1", Duration.ofMinutes(5));
        var answer = post(forged, positions("chat:1", 0));
        assertEquals(401, answer.statusCode());
        assertEquals("unauthorized", Json.MAPPER.readTree(answer.body()).path("error").path("code").asText());
        assertEquals("signature_invalid", Json.MAPPER.readTree(answer.body()).path("error").path("reason").asText());
        var expired = post("Bearer " + ExpiredTokens.signedExpired("u1", "wp1"), positions("chat:1", 0));
        assertEquals(401, expired.statusCode());
        assertEquals("token_expired", Json.MAPPER.readTree(expired.body()).path("error").path("reason").asText());
    }

    @Test
    void claimsThatConnectRefusesArePolledNeither() throws Exception {
        for (String workspace : java.util.List.of("a#b", "a/b", "w".repeat(300), "acme\n")) {
            var answer = post(token("u1", workspace), positions("chat:1", 0));
            assertEquals(403, answer.statusCode(), workspace);
            assertEquals("forbidden", Json.MAPPER.readTree(answer.body()).path("error").path("code").asText());
            assertEquals("claims_invalid", Json.MAPPER.readTree(answer.body()).path("error").path("reason").asText(), workspace);
        }
    }

    @Test
    void aRoomTheTokenMayNotJoinIs403() throws Exception {
        var answer = post(token("u1", "wp1"), positions("user:u2", 0));
        assertEquals(403, answer.statusCode());
        assertEquals("forbidden", Json.MAPPER.readTree(answer.body()).path("error").path("code").asText());
        assertEquals(403, post(token("u1", "wp1"), positions("workspace:wp2", 0)).statusCode());
    }

    @Test
    void badQueriesAre400() throws Exception {
        assertEquals(400, post(token("u1", "wp1"), "not json").statusCode());
        assertEquals(400, post(token("u1", "wp1"), "{}").statusCode());
        assertEquals(400, post(token("u1", "wp1"), "{\"since\":\"2026-11-22T10:00:00Z\"}").statusCode(), "since needs rooms");
        assertEquals(400, post(token("u1", "wp1"), positions("bad room", 0)).statusCode());
    }

    @Test
    void answersWhatSyncRequestReplaysAndNothingOfAnotherWorkspace() throws Exception {
        for (int i = 0; i < 5; i++) {
            publisher.event("chat.message").toRoom("wp3", "chat:9").data(Map.of("n", i)).send();
            publisher.event("chat.message").toRoom("wp4", "chat:9").data(Map.of("secret", i)).send();
        }
        assertTrue(system.awaitDeliveries(Duration.ofSeconds(30)));

        var all = Json.MAPPER.readTree(post(token("u1", "wp3"), positions("chat:9", 0)).body());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), seqs(all.path("events")));
        String epoch = all.path("rooms").path("chat:9").path("epoch").asText();
        var answer = post(token("u1", "wp3"), "{\"positions\":{\"chat:9\":{\"seq\":2,\"epoch\":\"" + epoch + "\"}}}");
        assertEquals(200, answer.statusCode(), answer.body());
        JsonNode polled = Json.MAPPER.readTree(answer.body());
        assertEquals(List.of(3L, 4L, 5L), seqs(polled.path("events")));
        assertEquals("restored", polled.path("rooms").path("chat:9").path("status").asText());
        assertFalse(polled.path("more").asBoolean());
        assertFalse(answer.body().contains("secret"));

        try (var client = TestClient.connect(system, system.tokens().issue("u1", "wp3", Duration.ofMinutes(10)))) {
            client.join("chat:9");
            var positions = Json.object();
            positions.putObject("chat:9").put("seq", 2).put("epoch", polled.path("rooms").path("chat:9").path("epoch").asText());
            client.request("sync.request", Json.object().set("positions", positions));
            var replayed = new ArrayList<JsonNode>();
            JsonNode state = null;
            for (var frame : client.drain()) {
                if ("sync".equals(frame.path("type").asText())) {
                    frame.path("events").forEach(replayed::add);
                } else if ("sync.state".equals(frame.path("type").asText())) {
                    state = frame;
                }
            }
            assertEquals(Json.MAPPER.valueToTree(replayed), polled.path("events"), "the same frames as over the WebSocket");
            assertEquals(state.path("rooms"), polled.path("rooms"));
        }
    }

    @Test
    void pollingReplaysAndLostAnswersAreCountedLikeSyncRequests() throws Exception {
        for (int i = 0; i < 3; i++) {
            publisher.event("chat.message").toRoom("wp5", "chat:m").data(Map.of("n", i)).send();
        }
        assertTrue(system.awaitDeliveries(Duration.ofSeconds(30)));
        long mark = system.metrics().mark();

        var all = post(token("u1", "wp5"), positions("chat:m", 0));
        assertEquals(3, Json.MAPPER.readTree(all.body()).path("events").size(), all.body());
        var lost = post(token("u1", "wp5"), "{\"positions\":{\"chat:m\":{\"seq\":2,\"epoch\":\"an-old-epoch\"}}}");
        assertEquals("lost", Json.MAPPER.readTree(lost.body()).path("rooms").path("chat:m").path("status").asText());

        // Flushed as each request ends, before its answer: no wait needed.
        double replayed = 0;
        double lostRooms = 0;
        for (String line : system.metrics().documentsSince(mark)) {
            var document = Json.MAPPER.readTree(line);
            replayed += document.path("SyncReplayedEvents").asDouble(0);
            lostRooms += document.path("SyncLost").asDouble(0);
        }
        assertEquals(3, replayed);
        assertEquals(1, lostRooms);
    }

    private static List<Long> seqs(JsonNode events) {
        var seqs = new ArrayList<Long>();
        events.forEach(e -> seqs.add(e.path("seq").asLong()));
        return seqs;
    }
}
