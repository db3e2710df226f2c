package dev.pulse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PULSE_ALLOWED_ORIGINS: a page of another site cannot open a socket with a user's token, nor read /sync answers
 * (the CORS of the deployed polling HTTP API).
 */
class AllowedOriginsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static LocalSystem system;

    @BeforeAll
    static void start() {
        system = LocalSystem.start(LocalSettings.ephemeral()
                .withHandlerSetting("PULSE_ALLOWED_ORIGINS", "https://app.example, https://admin.example"));
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    private static URI uri() {
        return URI.create(system.webSocketUri() + "?token=" + system.tokens().issue("olly", "ws-o", Duration.ofMinutes(5)));
    }

    @Test
    void anotherSitesOriginIsRefusedWith403() {
        var failure = assertThrows(CompletionException.class, () -> HTTP.newWebSocketBuilder()
                .header("Origin", "https://evil.example").buildAsync(uri(), new WebSocket.Listener() { }).join());
        assertEquals(403, assertInstanceOf(WebSocketHandshakeException.class, failure.getCause()).getResponse().statusCode());
    }

    @Test
    void anAllowedOriginConnects() throws Exception {
        var listener = new TestClient();
        var socket = HTTP.newWebSocketBuilder().header("Origin", "https://admin.example").buildAsync(uri(), listener).join();
        try {
            socket.sendText("{\"action\":\"ping\",\"id\":\"p\"}", true).join();
            assertTrue(listener.await(f -> "p".equals(f.path("id").asText())).path("ok").asBoolean());
        } finally {
            socket.abort();
        }
    }

    @Test
    void clientsWithoutAnOriginHeaderAreNotAffected() throws Exception {
        try (var client = TestClient.connect(uri())) {
            assertTrue(client.request("ping", null).path("ok").asBoolean());
        }
    }

    @Test
    void theSyncPreflightFromAnAllowedOriginIsAnswered204WithTheDeployedApisCorsHeaders() throws Exception {
        var response = CorsRequests.preflight(system, "https://app.example");
        assertEquals(204, response.statusCode());
        assertEquals("https://app.example", response.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        assertEquals(Set.of("POST", "OPTIONS"), list(response, "Access-Control-Allow-Methods"));
        assertEquals(Set.of("authorization", "content-type"), list(response, "Access-Control-Allow-Headers"));
        assertEquals("3600", response.headers().firstValue("Access-Control-Max-Age").orElseThrow());
    }

    @Test
    void syncAnswersToAnAllowedOriginCarryAccessControlAllowOrigin() throws Exception {
        var response = CorsRequests.post(system, "https://admin.example");
        assertEquals(401, response.statusCode());
        assertEquals("https://admin.example", response.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
    }

    @Test
    void anotherSitesOriginGetsNoCorsHeadersFromSync() throws Exception {
        var preflight = CorsRequests.preflight(system, "https://evil.example");
        assertEquals(204, preflight.statusCode());
        assertTrue(preflight.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), preflight.headers().toString());
        var post = CorsRequests.post(system, "https://evil.example");
        assertEquals(401, post.statusCode());
        assertTrue(post.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), post.headers().toString());
    }

    private static Set<String> list(java.net.http.HttpResponse<String> response, String header) {
        return Arrays.stream(response.headers().firstValue(header).orElseThrow().split(","))
                .map(String::strip).collect(Collectors.toSet());
    }
}
