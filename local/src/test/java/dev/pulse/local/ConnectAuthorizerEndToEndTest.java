package dev.pulse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.config.Env;
import dev.pulse.local.bench.CallCounter;
import dev.pulse.protocol.Json;
import dev.pulse.testing.HookServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The local system behind the {@code $connect} REQUEST authorizer ({@code PULSE_CONNECT_AUTHORIZER=true}, the construct's
 * {@code connectAuthorizer}), beside one without it: the same clients, the same token checks at the upgrade, and the
 * DynamoDB calls each frame costs counted on the wire (the handlers' SDK clients carry a counting interceptor). Behind
 * the authorizer a {@code ping} reads nothing and a {@code typing.start} one item fewer; grants travel in the context, or
 * in the record when they are too many for its 8 KB; a refreshed token keeps the connection past the first one's expiry.
 */
class ConnectAuthorizerEndToEndTest {
    private static final String LIMITS = "ping=1000/10s,typing.start=1000/10s,*=1000/10s";
    private static final String GET_ITEM = "DynamoDb.GetItem";

    private static final CallCounter AUTHORIZED_CALLS = new CallCounter();
    private static final CallCounter PLAIN_CALLS = new CallCounter();
    /** 100 grants of 120 characters: far over the context's 8 KB, so the authorizer leaves them out. */
    private static final List<String> MANY_GRANTS = IntStream.range(0, 100)
            .mapToObj(i -> "project:p-" + i + "-" + "x".repeat(110)).toList();
    private static HookServer sessions;
    private static LocalSystem authorized;
    private static LocalSystem plain;

    @BeforeAll
    static void start() throws Exception {
        // So many grants fit no JWT (8,192 characters at most), but an introspection answer can carry them.
        var grants = Json.MAPPER.createArrayNode();
        MANY_GRANTS.forEach(grants::add);
        sessions = new HookServer(r -> HookServer.Answer.json(r.body().contains("token=sess_many")
                ? Json.object().put("active", true).put("sub", "ann").put("workspaceId", "acme")
                        .put("exp", System.currentTimeMillis() / 1000 + 3600).set("rooms", grants).toString()
                : "{\"active\":false}"));
        authorized = LocalSystem.start(LocalSettings.ephemeral()
                .withHandlerSetting(Env.CONNECT_AUTHORIZER, "true")
                .withHandlerSetting(Env.AUTH_INTROSPECTION_URL, sessions.uri().toString())
                // What the answers do is under test, not the endpoint's speed: a loaded machine may pass the default 2 s.
                .withHandlerSetting(Env.AUTH_INTROSPECTION_TIMEOUT_MS, "10000")
                .withHandlerSetting(Env.AUTH_INTROSPECTION_CLIENT_ID, "pulse")
                .withHandlerSetting(Env.AUTH_INTROSPECTION_CLIENT_SECRET, "local-introspection-secret")
                .withHandlerSetting(Env.RATE_LIMITS, LIMITS)
                .withHandlerSetting(Env.ROOM_ACCESS, "project=grant,channel=grant"), List.of(AUTHORIZED_CALLS));
        plain = LocalSystem.start(LocalSettings.ephemeral()
                .withHandlerSetting(Env.RATE_LIMITS, LIMITS)
                .withHandlerSetting(Env.ROOM_ACCESS, "project=grant,channel=grant"), List.of(PLAIN_CALLS));
    }

    @AfterAll
    static void stop() {
        if (authorized != null) {
            authorized.close();
        }
        if (plain != null) {
            plain.close();
        }
        if (sessions != null) {
            sessions.close();
        }
    }

    private static TestClient connect(LocalSystem system, List<String> grants, Duration ttl) {
        return TestClient.connectWithHeader(system, system.tokens().issueWithGrants("ann", "acme", ttl, grants));
    }

    /** GetItem calls while {@code frames} frames are each answered in turn. */
    private static long readsFor(CallCounter calls, TestClient client, int frames, String action, JsonNode data)
            throws InterruptedException {
        client.request("ping", null); // the connection's own set-up is behind us
        calls.reset();
        for (int i = 0; i < frames; i++) {
            var reply = client.request(action, data);
            assertTrue(reply.path("ok").asBoolean(), reply.toString());
        }
        var counted = calls.snapshot();
        System.out.println("calls for " + frames + " x " + action + ": " + counted);
        return counted.getOrDefault(GET_ITEM, 0L);
    }

    @Test
    void behindTheAuthorizerAPingReadsNothingAndTypingOneItemFewer() throws Exception {
        int frames = 10;
        try (var behind = connect(authorized, List.of("channel:*"), Duration.ofMinutes(10));
             var direct = connect(plain, List.of("channel:*"), Duration.ofMinutes(10))) {
            assertEquals(0, readsFor(AUTHORIZED_CALLS, behind, frames, "ping", null), "GetItem per ping behind the authorizer");
            assertEquals(frames, readsFor(PLAIN_CALLS, direct, frames, "ping", null), "GetItem per ping without it");

            assertTrue(behind.join("channel:c-1").path("ok").asBoolean());
            assertTrue(direct.join("channel:c-1").path("ok").asBoolean());
            var typing = Json.object().put("room", "channel:c-1");
            long behindTyping = readsFor(AUTHORIZED_CALLS, behind, frames, "typing.start", typing);
            long directTyping = readsFor(PLAIN_CALLS, direct, frames, "typing.start", typing);
            assertEquals(directTyping - frames, behindTyping,
                    "typing.start reads its membership either way, and the connection record only without the authorizer");
        }
    }

    @Test
    void theUpgradeRefusesBadTokensAsApiGatewayWould() {
        assertEquals(401, refusedStatus(authorized.webSocketUri() + "?token=sess_unknown"));
        assertEquals(401, refusedStatus(authorized.webSocketUri().toString()));
        String otherKey = new dev.pulse.auth.TokenIssuer("another-secret-of-thirty-two-bytes!!", "pulse-local", "pulse")
                .issue("ann", "acme", Duration.ofMinutes(5));
        assertEquals(401, refusedStatus(authorized.webSocketUri() + "?token=" + otherKey));
    }

    @Test
    void refusalsAtTheAuthorizerAreCountedByReason() {
        try (var out = dev.pulse.support.log.StdoutLines.capture()) {
            assertEquals(401, refusedStatus(authorized.webSocketUri().toString()));
            // The authorizer's EMF document is written before API Gateway answers the upgrade.
            assertTrue(out.lines().stream().anyMatch(line -> line.startsWith("{\"_aws\"")
                            && line.contains("\"Reason\":\"token_missing\",\"ConnectsRefused\":1.0")),
                    String.join("\n", out.lines()));
        }
    }

    @Test
    void grantsTravelInTheContextAndRefusalsStayExplicit() throws Exception {
        try (var client = connect(authorized, List.of("project:p-9"), Duration.ofMinutes(10))) {
            assertTrue(client.join("project:p-9").path("ok").asBoolean());
            var refused = client.join("project:p-1");
            assertEquals("forbidden", refused.path("error").path("code").asText(), refused.toString());
            assertEquals("not_granted", refused.path("error").path("reason").asText(), refused.toString());
            var info = client.request("connection.info", null).path("data");
            assertEquals("ann", info.path("userId").asText());
        }
    }

    @Test
    void grantsTooManyForTheContextAreReadFromTheRecord() throws Exception {
        try (var client = TestClient.connectWithHeader(authorized, "sess_many")) {
            assertTrue(client.join(MANY_GRANTS.get(42)).path("ok").asBoolean());
            var refused = client.join("project:other");
            assertEquals("not_granted", refused.path("error").path("reason").asText(), refused.toString());
        }
    }

    @Test
    void aRefreshMustKeepTheGrantsTheAuthorizerFixed() throws Exception {
        try (var client = connect(authorized, List.of("project:p-9"), Duration.ofMinutes(10))) {
            var wider = authorized.tokens().issueWithGrants("ann", "acme", Duration.ofMinutes(30), List.of("project:*"));
            var refused = client.request("auth.refresh", Json.object().put("token", wider));
            assertEquals("forbidden", refused.path("error").path("code").asText(), refused.toString());
            assertEquals("grants_changed", refused.path("error").path("reason").asText(), refused.toString());
            var same = authorized.tokens().issueWithGrants("ann", "acme", Duration.ofMinutes(30), List.of("project:p-9"));
            assertTrue(client.request("auth.refresh", Json.object().put("token", same)).path("ok").asBoolean());
        }
    }

    @Test
    void aRefreshedConnectionOutlivesTheTokenTheAuthorizerSaw() throws Exception {
        var firstExpiry = Instant.now().plusSeconds(3);
        try (var client = connect(authorized, List.of(), Duration.ofSeconds(3))) {
            var fresh = authorized.tokens().issue("ann", "acme", Duration.ofMinutes(30));
            assertTrue(client.request("auth.refresh", Json.object().put("token", fresh)).path("ok").asBoolean());
            // Waiting out the first token's expiry (not timing anything): after it, the record has the refreshed one.
            while (Instant.now().isBefore(firstExpiry.plusMillis(1100))) {
                Thread.sleep(200);
            }
            AUTHORIZED_CALLS.reset();
            for (int i = 0; i < 5; i++) {
                var pong = client.request("ping", null);
                assertTrue(pong.path("ok").asBoolean(), pong.toString());
            }
            assertEquals(1L, AUTHORIZED_CALLS.snapshot().getOrDefault(GET_ITEM, 0L),
                    "the record is read once after the first expiry, then remembered");
        }
    }

    private static int refusedStatus(String uri) {
        var refused = assertThrows(CompletionException.class, () -> HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(uri), new WebSocket.Listener() { }).join());
        return ((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode();
    }
}
