package dev.pulse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.local.gateway.SignedRequests;
import dev.pulse.protocol.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/**
 * The query API on the local system, asked as the app's backend would ask the deployed one: SigV4-signed GETs (the
 * AWS SDK's signer, as awscurl or any SDK signs) of {@code /rooms/members} and {@code /rooms/presence}, answered from
 * what real WebSocket clients did; unsigned or mis-signed requests are refused as API Gateway's IAM authorization
 * refuses them, and bad questions get a 400 that says why.
 */
class QueryApiEndToEndTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static LocalSystem system;

    @BeforeAll
    static void start() {
        system = LocalSystem.start(LocalSettings.ephemeral());
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    private static URI uri(String path, String workspaceId, String room) {
        var ws = system.webSocketUri();
        return URI.create("http://" + ws.getHost() + ":" + ws.getPort() + path + "?workspaceId="
                + URLEncoder.encode(workspaceId, StandardCharsets.UTF_8) + "&room=" + URLEncoder.encode(room, StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> signedGet(URI uri) throws Exception {
        return send(SignedRequests.signed("GET", uri, new byte[0], LocalSystem.LOCAL_CREDENTIALS.resolveCredentials(),
                system.lambdaEnvironment().get(dev.pulse.config.Env.REGION), Clock.systemUTC()).build());
    }

    private static JsonNode ask(String path, String workspaceId, String room) throws Exception {
        var response = signedGet(uri(path, workspaceId, room));
        assertEquals(200, response.statusCode(), response.body());
        return Json.MAPPER.readTree(response.body());
    }

    @Test
    void membersAndPresenceAreWhatTheClientsDid() throws Exception {
        try (var annPhone = TestClient.connect(system, system.tokens().issue("ann", "acme", Duration.ofMinutes(5)));
             var annLaptop = TestClient.connect(system, system.tokens().issue("ann", "acme", Duration.ofMinutes(5)));
             var bob = TestClient.connect(system, system.tokens().issue("bob", "acme", Duration.ofMinutes(5)))) {
            for (var client : new TestClient[] {annPhone, annLaptop, bob}) {
                assertTrue(client.join("chat:q-1").path("ok").asBoolean());
            }
            assertTrue(bob.request("presence.update", Json.object().put("status", "busy")).path("ok").asBoolean());

            var members = ask("/rooms/members", "acme", "chat:q-1");
            assertEquals(3, members.path("connections").asLong(), members.toString());
            assertEquals(2, members.path("users").asLong(), members.toString());
            assertEquals("chat:q-1", members.path("room").asText());

            var presence = ask("/rooms/presence", "acme", "chat:q-1");
            assertEquals(2, presence.path("onlineCount").asInt(), presence.toString());
            assertEquals(Json.MAPPER.readTree("[{\"userId\":\"ann\",\"status\":\"online\",\"devices\":2},"
                    + "{\"userId\":\"bob\",\"status\":\"busy\",\"devices\":1}]"), presence.path("users"));
            assertTrue(!presence.path("truncated").asBoolean());

            assertEquals(0, ask("/rooms/members", "globex", "chat:q-1").path("connections").asLong(),
                    "the same room name in another workspace is another room");

            assertTrue(bob.request("room.leave", Json.object().put("room", "chat:q-1")).path("ok").asBoolean());
            var after = ask("/rooms/members", "acme", "chat:q-1");
            assertEquals(2, after.path("connections").asLong(), after.toString());
            assertEquals(1, after.path("users").asLong(), after.toString());
        }
    }

    @Test
    void onlySignedRequestsGetIn() throws Exception {
        var unsigned = send(HttpRequest.newBuilder(uri("/rooms/members", "acme", "chat:q-1")).GET().build());
        assertEquals(403, unsigned.statusCode(), unsigned.body());
        assertEquals("MissingAuthenticationTokenException", unsigned.headers().firstValue("x-amzn-ErrorType").orElse(""));

        var strangers = AwsBasicCredentials.create("AKIDSOMEONEELSE", "not-the-local-secret");
        var foreign = send(SignedRequests.signed("GET", uri("/rooms/members", "acme", "chat:q-1"), new byte[0], strangers,
                system.lambdaEnvironment().get(dev.pulse.config.Env.REGION), Clock.systemUTC()).build());
        assertEquals(403, foreign.statusCode(), foreign.body());
        assertTrue(foreign.body().contains("\"message\""), foreign.body());
    }

    @Test
    void badQuestionsGetA400ThatSaysWhy() throws Exception {
        var badRoom = signedGet(uri("/rooms/members", "acme", "no-namespace"));
        assertEquals(400, badRoom.statusCode());
        assertEquals("invalid_request", Json.MAPPER.readTree(badRoom.body()).path("error").path("code").asText());

        var badWorkspace = signedGet(uri("/rooms/members", "w".repeat(129), "chat:q-1"));
        assertEquals(400, badWorkspace.statusCode());
        assertEquals("invalid_request", Json.MAPPER.readTree(badWorkspace.body()).path("error").path("code").asText());

        var noPresence = signedGet(uri("/rooms/presence", "acme", "project:p-1"));
        assertEquals(400, noPresence.statusCode());
        assertEquals("not_presence_room", Json.MAPPER.readTree(noPresence.body()).path("error").path("code").asText());

        var unknown = signedGet(uri("/rooms/everything", "acme", "chat:q-1"));
        assertEquals(404, unknown.statusCode(), unknown.body());
    }
}
