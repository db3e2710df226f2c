package dev.pulse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pulse.config.Env;
import dev.pulse.testing.HookServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Opaque session tokens at $connect on the local system, checked by a real RFC 7662 introspection server: a session
 * the store knows connects as its user; an unknown one is refused at the upgrade; JWTs still work beside them.
 */
class OpaqueTokenEndToEndTest {
    private static HookServer sessions;
    private static LocalSystem system;

    @BeforeAll
    static void start() throws Exception {
        sessions = new HookServer(r -> HookServer.Answer.json(r.body().contains("token=sess_ann")
                ? "{\"active\":true,\"sub\":\"ann\",\"workspaceId\":\"acme\",\"exp\":"
                        + (System.currentTimeMillis() / 1000 + 3600) + "}"
                : "{\"active\":false}"));
        system = LocalSystem.start(LocalSettings.ephemeral()
                .withHandlerSetting(Env.AUTH_INTROSPECTION_URL, sessions.uri().toString())
                // What the answers do is under test, not the endpoint's speed: a loaded machine may pass the default 2 s.
                .withHandlerSetting(Env.AUTH_INTROSPECTION_TIMEOUT_MS, "10000")
                .withHandlerSetting(Env.AUTH_INTROSPECTION_CLIENT_ID, "pulse")
                .withHandlerSetting(Env.AUTH_INTROSPECTION_CLIENT_SECRET, "local-introspection-secret"));
    }

    @AfterAll
    static void stop() {
        system.close();
        sessions.close();
    }

    @Test
    void aKnownSessionConnectsAsItsUser() throws Exception {
        var client = TestClient.connect(system, "sess_ann");
        try {
            var info = client.request("connection.info", null).path("data");
            assertEquals("ann", info.path("userId").asText());
            assertEquals("acme", info.path("workspaceId").asText());
        } finally {
            client.close();
        }
    }

    @Test
    void anUnknownSessionIsRefusedAtTheUpgradeAndPollingSays401() throws Exception {
        var uri = URI.create(system.webSocketUri() + "?token=sess_nobody");
        var refused = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, () ->
                HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() { }).join());
        var handshake = (java.net.http.WebSocketHandshakeException) refused.getCause();
        assertEquals(401, handshake.getResponse().statusCode());
        var ws = system.webSocketUri();
        var poll = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://" + ws.getHost() + ":" + ws.getPort() + "/sync"))
                .header("Authorization", "Bearer sess_nobody")
                .POST(HttpRequest.BodyPublishers.ofString("{\"positions\":{\"chat:1\":{\"seq\":0}}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, poll.statusCode(), poll.body());
    }

    @Test
    void jwtsStillConnectBesideSessions() throws Exception {
        var client = TestClient.connect(system, system.tokens().issue("bob", "acme", Duration.ofMinutes(5)));
        try {
            assertEquals("bob", client.request("connection.info", null).path("data").path("userId").asText());
        } finally {
            client.close();
        }
    }
}
