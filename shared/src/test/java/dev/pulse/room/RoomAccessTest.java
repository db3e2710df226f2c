package dev.pulse.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.auth.JwtSettings;
import dev.pulse.auth.TokenIssuer;
import dev.pulse.auth.TokenVerifier;
import dev.pulse.model.Identity;
import dev.pulse.model.Room;
import dev.pulse.model.RoomGrant;
import dev.pulse.protocol.ErrorCode;
import dev.pulse.protocol.Json;
import dev.pulse.testing.HookServer;
import dev.pulse.testing.MutableClock;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Access decisions with real tokens and, for hooks, a real HTTP server on loopback. */
class RoomAccessTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef-access";
    private static final String HOOK_SECRET = "hook-secret-0123456789abcdef0123456789";
    private final TokenIssuer tokens = new TokenIssuer(SECRET, "pulse-test", "pulse");
    private final TokenVerifier verifier = new TokenVerifier(JwtSettings.hmac(SECRET, "pulse-test", "pulse"));
    private final MutableClock clock = MutableClock.startingNow();
    private final Identity ann = new Identity("ann", "acme", null, List.of(RoomGrant.parse("project:p-9"),
            RoomGrant.parse("channel:*"), RoomGrant.parse("team:red-*")));
    private HookServer hook;

    @AfterEach
    void stopHook() {
        if (hook != null) {
            hook.close();
        }
    }

    private static Room room(String name) {
        return new Room("acme", name);
    }

    private RoomAccess access(String policy, AccessHook accessHook) {
        return new RoomAccess(AccessPolicy.parse(policy), new DefaultRoomPolicy(), verifier, accessHook);
    }

    private AccessHook http(Duration timeout) {
        return new HttpAccessHook(hook.uri(), HOOK_SECRET, timeout, Clock.systemUTC());
    }

    @Test
    void openNamespacesAdmitAnyoneOfTheWorkspaceAndTheFixedRulesStay() {
        var access = access("", null);
        assertTrue(access.join(ann, room("chat:42"), null).allowed());
        var other = access.join(ann, room("user:bob"), null);
        assertFalse(other.allowed());
        assertEquals("own_rooms_only", other.reason());
        assertTrue(access.join(ann, room("user:ann"), null).allowed());
    }

    @Test
    void grantNamespacesAdmitExactlyWhatTheTokenGrants() {
        var access = access("project=grant,channel=grant,team=grant", null);
        assertTrue(access.join(ann, room("project:p-9"), null).allowed());
        assertTrue(access.join(ann, room("channel:general"), null).allowed());
        assertTrue(access.join(ann, room("team:red-1"), null).allowed());
        for (String name : List.of("project:p-90", "project:p-1", "team:blue-1")) {
            var refused = access.join(ann, room(name), null);
            assertFalse(refused.allowed(), name);
            assertEquals(ErrorCode.FORBIDDEN, refused.code());
            assertEquals("not_granted", refused.reason());
        }
        assertTrue(access.asMember(ann, room("project:p-9"), RoomOperation.PUBLISH).allowed());
        assertFalse(access.asMember(ann, room("project:p-1"), RoomOperation.READ).allowed());
    }

    @Test
    void theFallbackGovernsUndeclaredNamespaces() {
        var closed = access("chat=open,*=grant", null);
        assertTrue(closed.join(ann, room("chat:1"), null).allowed());
        assertEquals("not_granted", closed.join(ann, room("secret:1"), null).reason());
    }

    @Test
    void roomTokensAdmitTheirRoomUserAndWorkspaceOnly() {
        var access = access("chat=room-token", null);
        var good = tokens.issueRoomToken("ann", "acme", "chat:42", Duration.ofMinutes(5));
        var decision = access.join(ann, room("chat:42"), good);
        assertTrue(decision.allowed());
        assertTrue(decision.lapsesAt().isAfter(java.time.Instant.now()), "the membership lapses with the token");

        assertEquals("room_token_missing", access.join(ann, room("chat:42"), null).reason());
        assertEquals("room_token_mismatch", access.join(ann, room("chat:43"), good).reason());
        assertEquals("room_token_mismatch", access.join(ann, room("chat:42"),
                tokens.issueRoomToken("bob", "acme", "chat:42", Duration.ofMinutes(5))).reason());
        assertEquals("room_token_mismatch", access.join(ann, room("chat:42"),
                tokens.issueRoomToken("ann", "other", "chat:42", Duration.ofMinutes(5))).reason());
        assertEquals("room_token_invalid", access.join(ann, room("chat:42"), "not-a-token").reason());
        assertEquals("room_token_invalid", access.join(ann, room("chat:42"), "x".repeat(20_000)).reason());
        var forged = new TokenIssuer("another-secret-of-at-least-32-bytes!!", "pulse-test", "pulse")
                .issueRoomToken("ann", "acme", "chat:42", Duration.ofMinutes(5));
        assertEquals("room_token_invalid", access.join(ann, room("chat:42"), forged).reason());
        // A connection token is not a room token, and the reverse (the verifier refuses a room token at connect).
        assertEquals("room_token_invalid", access.join(ann, room("chat:42"),
                tokens.issue("ann", "acme", Duration.ofMinutes(5))).reason());
        // Members act without presenting the token again: their membership lapses with it.
        assertTrue(access.asMember(ann, room("chat:42"), RoomOperation.TYPING).allowed());
        // Reading without being a member (polling) needs the token.
        assertEquals("room_token_missing", access.read(ann, room("chat:42"), null).reason());
        assertTrue(access.read(ann, room("chat:42"), good).allowed());
    }

    @Test
    void anExpiredRoomTokenSaysSo() throws Exception {
        var expired = new TokenIssuer(SECRET, "pulse-test", "pulse", Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-10)))
                .issueRoomToken("ann", "acme", "chat:42", Duration.ofMinutes(1));
        assertEquals("room_token_expired", access("chat=room-token", null).join(ann, room("chat:42"), expired).reason());
    }

    @Test
    void theHookIsAskedWithIdentityRoomAndActionAndEachRequestIsSigned() throws Exception {
        hook = new HookServer(r -> HookServer.Answer.json("{\"allow\":true}"));
        var access = access("project=hook", http(Duration.ofSeconds(2)));
        assertTrue(access.join(ann, room("project:p-1"), null).allowed());
        var request = hook.requests().get(0);
        var body = Json.MAPPER.readTree(request.body());
        assertEquals("ann", body.path("userId").asText());
        assertEquals("acme", body.path("workspaceId").asText());
        assertEquals("project:p-1", body.path("room").asText());
        assertEquals("join", body.path("action").asText());
        var mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(HOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(
                (request.timestamp() + "." + request.body()).getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, request.signature());
    }

    @Test
    void aHookDenialCarriesTheAppsReason() throws Exception {
        hook = new HookServer(r -> HookServer.Answer.json("{\"allow\":false,\"reason\":\"not on project p-1\"}"));
        var refused = access("project=hook", http(Duration.ofSeconds(2))).join(ann, room("project:p-1"), null);
        assertEquals(ErrorCode.FORBIDDEN, refused.code());
        assertEquals("hook_denied", refused.reason());
        assertEquals("not on project p-1", refused.message());
    }

    @Test
    void aHookThatFailsOrSaysNothingUsableRefusesAsUnavailable() throws Exception {
        hook = new HookServer(r -> new HookServer.Answer(500, "{\"allow\":true}", 0));
        var access = access("project=hook", http(Duration.ofSeconds(2)));
        for (String answer : List.of("500", "garbage", "{\"allow\":\"yes\"}", "{\"allow\":true,\"ttlSeconds\":-1}", "[]")) {
            hook.answer(r -> answer.equals("500") ? new HookServer.Answer(500, "{}", 0) : HookServer.Answer.json(answer));
            var refused = access.join(ann, room("project:p-1"), null);
            assertFalse(refused.allowed(), answer);
            assertEquals(ErrorCode.ACCESS_UNAVAILABLE, refused.code(), answer);
            assertEquals("hook_unavailable", refused.reason());
        }
    }

    @Test
    void aSlowHookTimesOutClosed() throws Exception {
        hook = new HookServer(r -> new HookServer.Answer(200, "{\"allow\":true}", 3_000));
        var refused = access("project=hook", http(Duration.ofMillis(200))).join(ann, room("project:p-1"), null);
        assertEquals(ErrorCode.ACCESS_UNAVAILABLE, refused.code());
        assertTrue(refused.message().contains("200 ms"), refused.message());
    }

    @Test
    void anUnreachableHookRefusesAsUnavailable() throws Exception {
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort(); // closed again: nothing listens there
        }
        var unreachable = new HttpAccessHook(URI.create("http://127.0.0.1:" + port + "/access"), HOOK_SECRET,
                Duration.ofSeconds(1), Clock.systemUTC());
        assertEquals(ErrorCode.ACCESS_UNAVAILABLE, access("project=hook", unreachable).join(ann, room("project:p-1"), null).code());
    }

    @Test
    void noHookConfiguredRefusesHookNamespaces() {
        assertEquals(ErrorCode.ACCESS_UNAVAILABLE, access("project=hook", null).join(ann, room("project:p-1"), null).code());
    }

    @Test
    void answersAreCachedForTheirTtlDenialsBrieflyAndFailuresNever() throws Exception {
        hook = new HookServer(r -> HookServer.Answer.json("{\"allow\":true,\"ttlSeconds\":30}"));
        var cached = new CachedAccessHook(http(Duration.ofSeconds(2)), Duration.ofSeconds(60), Duration.ofSeconds(5),
                Duration.ofHours(1), 100, clock);
        var access = access("project=hook", cached);
        for (int i = 0; i < 5; i++) {
            assertTrue(access.join(ann, room("project:p-1"), null).allowed());
        }
        assertEquals(1, hook.requests().size(), "one call per (identity, room, action) per TTL");
        assertTrue(access.asMember(ann, room("project:p-1"), RoomOperation.PUBLISH).allowed());
        assertEquals(2, hook.requests().size(), "another action is another question");
        clock.advance(Duration.ofSeconds(31));
        access.join(ann, room("project:p-1"), null);
        assertEquals(3, hook.requests().size(), "asked again after the hook's TTL");

        hook.answer(r -> HookServer.Answer.json("{\"allow\":false,\"ttlSeconds\":3600}"));
        var other = room("project:p-2");
        assertFalse(access.join(ann, other, null).allowed());
        assertFalse(access.join(ann, other, null).allowed());
        assertEquals(4, hook.requests().size());
        clock.advance(Duration.ofSeconds(6)); // a deny is kept at most the deny TTL, whatever the hook says
        hook.answer(r -> new HookServer.Answer(503, "", 0));
        assertEquals(ErrorCode.ACCESS_UNAVAILABLE, access.join(ann, other, null).code());
        hook.answer(r -> HookServer.Answer.json("{\"allow\":true}"));
        assertTrue(access.join(ann, other, null).allowed(), "a failure is not kept");
        assertEquals(6, hook.requests().size());
        assertEquals(6, cached.calls());
    }

    @Test
    void userAndWorkspaceRoomsTakeNoAccessMode() {
        for (String spec : List.of("user=grant", "workspace=open")) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> AccessPolicy.parse(spec));
            assertTrue(e.getMessage().contains("fixed rules"), e.getMessage());
        }
        assertEquals("chat=room-token,project=hook,*=grant", AccessPolicy.parse("project=hook, chat=room-token,*=grant").spec());
        assertNull(AccessPolicy.parse("").modes().get("chat"));
    }
}
