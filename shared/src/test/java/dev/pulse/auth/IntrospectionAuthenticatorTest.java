package dev.pulse.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.testing.HookServer;
import dev.pulse.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Opaque tokens checked by a real RFC 7662 introspection server on loopback. */
class IntrospectionAuthenticatorTest {
    private final MutableClock clock = MutableClock.startingNow();
    private HookServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private IntrospectionAuthenticator authenticator(Duration timeout) {
        return new IntrospectionAuthenticator(server.uri(), "pulse", "s3cr3t:with&odd=chars", timeout,
                ClaimNames.defaults(), Clock.systemUTC());
    }

    private long inAnHour() {
        return clock.instant().plusSeconds(3600).getEpochSecond();
    }

    @Test
    void anActiveTokenBecomesTheIdentityTheAnswerNames() throws Exception {
        server = new HookServer(r -> HookServer.Answer.json("{\"active\":true,\"sub\":\"u7\",\"workspaceId\":\"acme\","
                + "\"exp\":" + inAnHour() + ",\"rooms\":[\"chat:*\"]}"));
        var identity = authenticator(Duration.ofSeconds(2)).authenticate("sess_AbC123");
        assertEquals("u7", identity.userId());
        assertEquals("acme", identity.workspaceId());
        assertEquals(inAnHour(), identity.expiresAt().getEpochSecond());
        assertEquals(List.of("chat:*"), identity.grants().stream().map(Object::toString).toList());
        var request = server.requests().get(0);
        assertEquals("token=sess_AbC123&token_type_hint=access_token", request.body());
        String basic = new String(Base64.getDecoder().decode(request.authorization().substring("Basic ".length())),
                StandardCharsets.UTF_8);
        assertEquals("pulse:s3cr3t%3Awith%26odd%3Dchars", basic, "RFC 6749 §2.3.1: form-encoded client credentials");
    }

    @Test
    void inactiveOrUnusableAnswersAreRefusedAsTheyWouldBeInAJwt() throws Exception {
        server = new HookServer(r -> HookServer.Answer.json("{\"active\":false}"));
        var auth = authenticator(Duration.ofSeconds(2));
        var inactive = assertThrows(AuthenticationException.class, () -> auth.authenticate("sess_gone"));
        assertEquals(401, inactive.status());
        assertEquals(AuthenticationException.TOKEN_INACTIVE, inactive.reason());
        server.answer(r -> HookServer.Answer.json("{\"active\":true,\"sub\":\"u7\",\"workspaceId\":\"a#b\"}"));
        assertEquals(AuthenticationException.CLAIMS_INVALID, assertThrows(AuthenticationException.class,
                () -> auth.authenticate("sess_x")).reason());
        server.answer(r -> HookServer.Answer.json("{\"active\":true,\"sub\":\"u7\"}"));
        assertEquals(403, assertThrows(AuthenticationException.class, () -> auth.authenticate("sess_x")).status());
        server.answer(r -> HookServer.Answer.json("{\"active\":true,\"sub\":\"u7\",\"workspaceId\":\"acme\",\"exp\":1}"));
        assertEquals(AuthenticationException.TOKEN_EXPIRED, assertThrows(AuthenticationException.class,
                () -> auth.authenticate("sess_x")).reason());
        server.answer(r -> HookServer.Answer.json("{\"active\":true,\"sub\":\"u7\",\"workspaceId\":\"acme\"}"));
        assertNull(auth.authenticate("sess_x").expiresAt(), "no exp: the token does not lapse by itself");
    }

    @Test
    void aFailingGarbledOrSlowEndpointIs503AndNothingIsLetIn() throws Exception {
        server = new HookServer(r -> new HookServer.Answer(500, "{}", 0));
        var auth = authenticator(Duration.ofMillis(300));
        for (var answer : List.of(new HookServer.Answer(500, "{}", 0), HookServer.Answer.json("not json"),
                HookServer.Answer.json("{\"active\":\"yes\"}"), HookServer.Answer.json("[]"),
                new HookServer.Answer(200, "{\"active\":true}", 3_000))) {
            server.answer(r -> answer);
            var e = assertThrows(AuthenticationException.class, () -> auth.authenticate("sess_x"));
            assertEquals(503, e.status(), answer.toString());
            assertEquals(AuthenticationException.AUTH_UNAVAILABLE, e.reason());
        }
        assertEquals(AuthenticationException.TOKEN_TOO_LARGE, assertThrows(AuthenticationException.class,
                () -> auth.authenticate("x".repeat(9000))).reason());
    }

    @Test
    void answersAreCachedBoundedRefusalsBrieflyAndUnavailabilityNever() throws Exception {
        server = new HookServer(r -> HookServer.Answer.json(r.body().contains("sess_good")
                ? "{\"active\":true,\"sub\":\"u7\",\"workspaceId\":\"acme\",\"exp\":" + inAnHour() + "}"
                : "{\"active\":false}"));
        var cached = new CachedAuthenticator(authenticator(Duration.ofSeconds(2)), Duration.ofSeconds(60),
                Duration.ofSeconds(10), 100, clock);
        for (int i = 0; i < 3; i++) {
            assertEquals("u7", cached.authenticate("sess_good").userId());
            assertThrows(AuthenticationException.class, () -> cached.authenticate("sess_bad"));
        }
        assertEquals(2, server.requests().size(), "one call per token per TTL");
        clock.advance(Duration.ofSeconds(11)); // the refusal is forgotten, the identity is not yet
        assertThrows(AuthenticationException.class, () -> cached.authenticate("sess_bad"));
        cached.authenticate("sess_good");
        assertEquals(3, server.requests().size());
        clock.advance(Duration.ofSeconds(50));
        cached.authenticate("sess_good");
        assertEquals(4, server.requests().size(), "an identity is kept at most the TTL");

        server.answer(r -> new HookServer.Answer(503, "", 0));
        assertEquals(503, assertThrows(AuthenticationException.class, () -> cached.authenticate("sess_new")).status());
        server.answer(r -> HookServer.Answer.json("{\"active\":true,\"sub\":\"u8\",\"workspaceId\":\"acme\"}"));
        assertEquals("u8", cached.authenticate("sess_new").userId(), "an unavailability is not kept");
        assertEquals(6, cached.calls());
    }

    @Test
    void jwtsGoToTheVerifierAndOpaqueTokensToIntrospection() throws Exception {
        server = new HookServer(r -> HookServer.Answer.json("{\"active\":true,\"sub\":\"opaque-user\",\"workspaceId\":\"acme\"}"));
        String secret = "0123456789abcdef0123456789abcdef-either";
        var jwt = new TokenVerifier(JwtSettings.hmac(secret, null, null));
        var either = Authenticator.either(jwt, authenticator(Duration.ofSeconds(2)));
        assertEquals("jwt-user", either.authenticate(new TokenIssuer(secret, null, null)
                .issue("jwt-user", "acme", Duration.ofMinutes(5))).userId());
        assertEquals("opaque-user", either.authenticate("sess_0pAqUe").userId());
        assertEquals(1, server.requests().size());
        assertTrue(server.requests().get(0).body().contains("sess_0pAqUe"));
    }
}
