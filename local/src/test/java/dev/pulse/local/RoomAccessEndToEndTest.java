package dev.pulse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.config.Env;
import dev.pulse.protocol.Json;
import dev.pulse.publish.Publisher;
import dev.pulse.testing.HookServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Private rooms on the whole local system: real WebSocket clients, tokens with grants, room tokens, and the app's
 * access hook as a real HTTP server; refusals checked on the wire, events checked to reach only admitted members.
 */
class RoomAccessEndToEndTest {
    private static final String HOOK_SECRET = "e2e-hook-secret-0123456789abcdef012345";
    private static HookServer hook;
    private static LocalSystem system;
    private static Publisher publisher;
    private final List<TestClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        // The hook admits ann everywhere and nobody else.
        hook = new HookServer(r -> HookServer.Answer.json(r.body().contains("\"userId\":\"ann\"")
                ? "{\"allow\":true,\"ttlSeconds\":1}" : "{\"allow\":false,\"reason\":\"not a member of this team\"}"));
        system = LocalSystem.start(LocalSettings.ephemeral()
                .withHandlerSetting(Env.ROOM_ACCESS, "project=grant,chat=room-token,team=hook,*=open")
                .withHandlerSetting(Env.ACCESS_HOOK_URL, hook.uri().toString())
                .withHandlerSetting(Env.ACCESS_HOOK_SECRET, HOOK_SECRET)
                .withHandlerSetting(Env.ACCESS_HOOK_CACHE_SECONDS, "1")
                // Which rooms the hook decides is under test, not its speed: a loaded machine may pass the default 1 s.
                .withHandlerSetting(Env.ACCESS_HOOK_TIMEOUT_MS, "10000"));
        publisher = new Publisher(system.eventBridgeClient(), "default", "com.acme.access");
    }

    @AfterAll
    static void stop() {
        system.close();
        hook.close();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(TestClient::close);
    }

    private TestClient connectWith(String token) {
        var client = TestClient.connect(system, token);
        clients.add(client);
        return client;
    }

    private TestClient connect(String user) {
        return connectWith(system.tokens().issue(user, "acme", Duration.ofMinutes(10)));
    }

    private static JsonNode join(TestClient client, String room, String roomToken) throws Exception {
        var data = Json.object().put("room", room);
        if (roomToken != null) {
            data.put("token", roomToken);
        }
        return client.request("room.join", data);
    }

    private static String reason(JsonNode reply) {
        assertFalse(reply.path("ok").asBoolean(), reply.toString());
        return reply.path("error").path("reason").asText();
    }

    private List<JsonNode> eventsAfterDeliveries(TestClient client) throws Exception {
        assertTrue(system.awaitDeliveries(Duration.ofSeconds(20)));
        client.request("ping", null);
        return client.drain().stream().filter(f -> "event".equals(f.path("type").asText())).toList();
    }

    @Test
    void grantedRoomsAreJoinedAndOthersRefusedWithoutIo() throws Exception {
        var ann = connectWith(system.tokens().issueWithGrants("ann", "acme", Duration.ofMinutes(10), List.of("project:p-9")));
        assertTrue(join(ann, "project:p-9", null).path("ok").asBoolean());
        var refused = join(ann, "project:p-1", null);
        assertEquals("forbidden", refused.path("error").path("code").asText());
        assertEquals("not_granted", reason(refused));
        assertTrue(ann.request("ping", null).path("ok").asBoolean(), "the connection stays open");
    }

    @Test
    void roomTokenRoomsNeedTheirTokenAndOnlyMembersGetTheirEvents() throws Exception {
        var ann = connect("ann");
        var bob = connect("bob");
        assertEquals("room_token_missing", reason(join(bob, "chat:42", null)));
        assertEquals("room_token_mismatch", reason(join(bob, "chat:42",
                system.tokens().issueRoomToken("ann", "acme", "chat:42", Duration.ofMinutes(5)))));
        assertEquals("room_token_mismatch", reason(join(bob, "chat:42",
                system.tokens().issueRoomToken("bob", "acme", "chat:43", Duration.ofMinutes(5)))));
        var joined = join(ann, "chat:42", system.tokens().issueRoomToken("ann", "acme", "chat:42", Duration.ofMinutes(5)));
        assertTrue(joined.path("ok").asBoolean(), joined.toString());
        assertFalse(joined.path("data").path("expiresAt").asText().isEmpty());

        publisher.event("chat.message").toRoom("acme", "chat:42").data(Map.of("text", "private")).send();
        assertEquals("private", ann.awaitEvent("chat.message").path("data").path("text").asText());
        assertEquals(List.of(), eventsAfterDeliveries(bob), "a refused user got the private room's event");
    }

    @Test
    void aMembershipLapsesWithItsRoomToken() throws Exception {
        var ann = connect("ann");
        assertTrue(join(ann, "chat:brief", system.tokens().issueRoomToken("ann", "acme", "chat:brief", Duration.ofSeconds(2)))
                .path("ok").asBoolean());
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        boolean listed = true;
        while (listed && System.nanoTime() < deadline) {
            Thread.sleep(250);
            listed = ann.request("connection.info", null).path("data").path("rooms").toString().contains("chat:brief");
        }
        assertFalse(listed, "the membership outlived its room token");
        // A lapse is no leave through this process, so the fan-out may reuse the room's member page read just before
        // it (say by the chat room's presence flush) for up to the members cache's TTL, as MembersCache documents.
        Thread.sleep(system.services().config().tables().membersCache().plusMillis(100).toMillis());
        publisher.event("chat.message").toRoom("acme", "chat:brief").data(Map.of("text", "late")).send();
        assertEquals(List.of(), eventsAfterDeliveries(ann));
    }

    @Test
    void theHookDecidesAndItsReasonReachesTheClient() throws Exception {
        var ann = connect("ann");
        var bob = connect("bob");
        assertTrue(join(ann, "team:red", null).path("ok").asBoolean());
        var refused = join(bob, "team:red", null);
        assertEquals("hook_denied", reason(refused));
        assertEquals("not a member of this team", refused.path("error").path("message").asText());
        assertTrue(hook.requests().stream().anyMatch(r -> r.body().contains("\"action\":\"join\"")));
    }

    @Test
    void syncReplaysNothingOfARoomTheHookNoLongerAllows() throws Exception {
        var carl = connect("ann");
        assertTrue(join(carl, "team:blue", null).path("ok").asBoolean());
        publisher.event("team.note").toRoom("acme", "team:blue").data(Map.of("n", 1)).send();
        carl.awaitEvent("team.note");
        hook.answer(r -> HookServer.Answer.json("{\"allow\":false}"));
        try {
            Thread.sleep(1_200); // the allow's TTL (1 s) runs out
            carl.request("sync.request", Json.MAPPER.readTree("{\"positions\":{\"team:blue\":{\"seq\":0}}}"));
            var state = carl.await(f -> "sync.state".equals(f.path("type").asText()));
            assertEquals("forbidden", state.path("rooms").path("team:blue").path("status").asText(), state.toString());
        } finally {
            hook.answer(r -> HookServer.Answer.json(r.body().contains("\"userId\":\"ann\"")
                    ? "{\"allow\":true,\"ttlSeconds\":1}" : "{\"allow\":false,\"reason\":\"not a member of this team\"}"));
        }
    }

    @Test
    void pollingARoomTokenRoomNeedsItsToken() throws Exception {
        String token = system.tokens().issue("ann", "acme", Duration.ofMinutes(5));
        String roomToken = system.tokens().issueRoomToken("ann", "acme", "chat:poll", Duration.ofMinutes(5));
        var without = poll(token, "{\"positions\":{\"chat:poll\":{\"seq\":0}}}");
        assertEquals(403, without.statusCode());
        assertEquals("room_token_missing", Json.MAPPER.readTree(without.body()).path("error").path("reason").asText());
        var with = poll(token, "{\"positions\":{\"chat:poll\":{\"seq\":0}},\"roomTokens\":{\"chat:poll\":\"" + roomToken + "\"}}");
        assertEquals(200, with.statusCode(), with.body());
    }

    private HttpResponse<String> poll(String token, String body) throws Exception {
        var ws = system.webSocketUri();
        var request = HttpRequest.newBuilder(URI.create("http://" + ws.getHost() + ":" + ws.getPort() + "/sync"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }
}
