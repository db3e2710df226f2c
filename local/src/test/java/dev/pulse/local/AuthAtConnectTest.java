package dev.pulse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.pulse.auth.TokenIssuer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** $connect through the emulator with the real handlers: every token defect gets its HTTP status. */
@ExtendWith(SharedLocalSystem.class)
class AuthAtConnectTest {
    private static LocalSystem system;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        system = SharedLocalSystem.get();
    }


    private static int refusal(URI uri) {
        var failure = assertThrows(CompletionException.class,
                () -> HTTP.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() { }).join());
        var handshake = assertInstanceOf(WebSocketHandshakeException.class, failure.getCause());
        return handshake.getResponse().statusCode();
    }

    private static URI withToken(String token) {
        return URI.create(system.webSocketUri() + "?token=" + token);
    }

    @Test
    void validTokenInQueryConnectsAndLandsInUserAndWorkspaceRooms() throws Exception {
        try (var client = TestClient.connect(system, system.tokens().issue("alice", "acme", Duration.ofMinutes(5)))) {
            var info = client.request("connection.info", null);
            assertTrue(info.path("ok").asBoolean(), info.toString());
            assertEquals("alice", info.path("data").path("userId").asText());
            assertEquals("acme", info.path("data").path("workspaceId").asText());
            assertEquals("[\"user:alice\",\"workspace:acme\"]", info.path("data").path("rooms").toString());
        }
    }

    @Test
    void tokenInAuthorizationHeaderConnects() throws Exception {
        String token = system.tokens().issue("bob", "acme", Duration.ofMinutes(5));
        var listener = new TestClient();
        var socket = HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + token)
                .buildAsync(system.webSocketUri(), listener).join();
        try {
            var info = listenerInfo(socket, listener);
            assertEquals("bob", info, info);
        } finally {
            socket.abort();
        }
    }

    private static String listenerInfo(WebSocket socket, TestClient listener) throws InterruptedException {
        socket.sendText("{\"action\":\"connection.info\",\"id\":\"i\"}", true).join();
        return listener.await(f -> "i".equals(f.path("id").asText())).path("data").path("userId").asText();
    }

    @Test
    void tokenInSubprotocolConnectsAndPulseV1IsSelected() throws Exception {
        String token = system.tokens().issue("carol", "acme", Duration.ofMinutes(5));
        var listener = new TestClient();
        var socket = HTTP.newWebSocketBuilder().subprotocols("pulse.v1", "bearer." + token)
                .buildAsync(system.webSocketUri(), listener).join();
        try {
            assertEquals("pulse.v1", socket.getSubprotocol());
            assertEquals("carol", listenerInfo(socket, listener));
        } finally {
            socket.abort();
        }
    }

    /** The refusal of a token sent in the Authorization header: status and the $connect handler's reason. */
    private static WebSocketHandshakeException headerRefusal(String token) {
        var failure = assertThrows(CompletionException.class, () -> HTTP.newWebSocketBuilder()
                .header("Authorization", "Bearer " + token)
                .buildAsync(system.webSocketUri(), new WebSocket.Listener() { }).join());
        return assertInstanceOf(WebSocketHandshakeException.class, failure.getCause());
    }

    @Test
    void aTokenOf100KiBIsRefusedWith401NotByTheHttpServer() {
        // Jetty's 8 KB header limit used to answer 431 before $connect could say 401.
        assertEquals(401, headerRefusal("x".repeat(100 * 1024)).getResponse().statusCode());
    }

    @Test
    void aTokenOver8KiBIsRefusedAsTokenTooLarge() {
        var refusal = headerRefusal("x".repeat(8 * 1024 + 1)).getResponse();
        assertEquals(401, refusal.statusCode());
        assertEquals("token_too_large", refusal.body());
    }

    @Test
    void aTokenThatMakesTheUrlLongerThan4096CharactersIs414() {
        // API Gateway's URL quota: longer tokens belong in the subprotocol or the Authorization header.
        assertEquals(414, refusal(withToken("x".repeat(4096))));
    }

    @Test
    void missingTokenIs401() {
        assertEquals(401, refusal(system.webSocketUri()));
    }

    @Test
    void malformedTokenIs401() {
        assertEquals(401, refusal(withToken("not-a-jwt")));
    }

    @Test
    void badSignatureIs401() {
        var forger = new TokenIssuer("another-secret-that-is-long-enough-for-hs256", "pulse-local", "pulse");
        assertEquals(401, refusal(withToken(forger.issue("mallory", "acme", Duration.ofMinutes(5)))));
    }

    /** A token signed with the local secret, claims as given (TokenIssuer refuses to mint defective ones). */
    private static String signed(JWTClaimsSet claims) throws Exception {
        var jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(LocalSettings.DEVELOPMENT_SECRET.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    private static JWTClaimsSet.Builder claims(String user, String workspace, Instant expires) {
        return new JWTClaimsSet.Builder().subject(user).claim("workspaceId", workspace)
                .issuer("pulse-local").audience("pulse").expirationTime(Date.from(expires));
    }

    @Test
    void expiredTokenIs401() throws Exception {
        assertEquals(401, refusal(withToken(signed(claims("dave", "acme", Instant.now().minusSeconds(300)).build()))));
    }

    @Test
    void wrongAudienceIs401() {
        var other = new TokenIssuer(LocalSettings.DEVELOPMENT_SECRET, "pulse-local", "another-app");
        assertEquals(401, refusal(withToken(other.issue("erin", "acme", Duration.ofMinutes(5)))));
    }

    @Test
    void wrongIssuerIs401() {
        var other = new TokenIssuer(LocalSettings.DEVELOPMENT_SECRET, "someone-else", "pulse");
        assertEquals(401, refusal(withToken(other.issue("erin", "acme", Duration.ofMinutes(5)))));
    }

    @Test
    void unsignedAlgNoneTokenIs401() {
        var b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes());
        long exp = System.currentTimeMillis() / 1000 + 300;
        String payload = b64.encodeToString(("{\"sub\":\"mallory\",\"workspaceId\":\"acme\",\"iss\":\"pulse-local\",\"aud\":\"pulse\",\"exp\":" + exp + "}").getBytes());
        assertEquals(401, refusal(withToken(header + "." + payload + ".")));
    }

    @Test
    void validTokenWithoutWorkspaceIs403() throws Exception {
        // Correctly signed, but no workspace claim: authenticated, not allowed to open a workspace connection.
        var noWorkspace = new JWTClaimsSet.Builder().subject("frank").issuer("pulse-local").audience("pulse")
                .expirationTime(Date.from(Instant.now().plusSeconds(300))).build();
        assertEquals(403, refusal(withToken(signed(noWorkspace))));
    }

    @Test
    void validTokenWhoseUserIdCannotNameARoomIs403() throws Exception {
        assertEquals(403, refusal(withToken(signed(claims("frank smith", "acme", Instant.now().plusSeconds(300)).build()))));
    }
}
