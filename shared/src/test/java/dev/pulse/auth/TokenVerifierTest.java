package dev.pulse.auth;

import static dev.pulse.auth.TestJwts.SECRET;
import static dev.pulse.auth.TestJwts.claims;
import static dev.pulse.auth.TestJwts.hs256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.SignedJWT;
import dev.pulse.model.Identity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** HS256 verification and every claim rule; JWKS-specific behaviour is in {@link TokenVerifierJwksTest}. */
class TokenVerifierTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private static JwtSettings settings(Duration skew) {
        return new JwtSettings(SECRET, null, "https://issuer.test", "pulse", null, null, skew, null, null);
    }

    private final TokenVerifier verifier = new TokenVerifier(settings(Duration.ofSeconds(30)), CLOCK);

    private AuthenticationException rejected(TokenVerifier v, String token, int status, String reason) {
        var e = assertThrows(AuthenticationException.class, () -> v.verify(token));
        assertEquals(reason, e.reason(), e.getMessage());
        assertEquals(status, e.status(), e.getMessage());
        assertFalse(e.getMessage().isBlank());
        return e;
    }

    private AuthenticationException rejected(String token, int status, String reason) {
        return rejected(verifier, token, status, reason);
    }

    @Test
    void validHs256TokenYieldsIdentity() throws Exception {
        Identity id = verifier.verify(hs256(SECRET, claims(NOW).build()));
        assertEquals(new Identity("user-1", "ws-1", NOW.plusSeconds(600)), id);
    }

    @Test
    void surroundingWhitespaceIsIgnored() throws Exception {
        assertEquals("user-1", verifier.verify("  " + hs256(SECRET, claims(NOW).build()) + "\n").userId());
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "   ", "\t\n"})
    void nullOrBlankIsTokenMissing(String token) {
        rejected(token, 401, AuthenticationException.TOKEN_MISSING);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "garbage",
            "a.b",
            "a.b.c.d",
            "a.b.c",
            "!!!.???.***",
            "eyJhbGciOiJIUzI1NiJ9",                    // header only
            "bm90IGpzb24.eyJzdWIiOiJ4In0.c2ln",         // header "not json"
            "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJ4In0.c2ln",  // header without alg
    })
    void garbageIsMalformed(String token) {
        rejected(token, 401, AuthenticationException.TOKEN_MALFORMED);
    }

    @Test
    void oversizedTokenIsRefusedUndecoded() {
        var big = claims(NOW).claim("padding", "x".repeat(TokenVerifier.MAX_TOKEN_LENGTH)).build();
        rejected(hs256(SECRET, big), 401, AuthenticationException.TOKEN_TOO_LARGE);
    }

    @Test
    void correctlySignedNonJsonPayloadIsMalformed() {
        String token = TestJwts.signWith(new JWSHeader(JWSAlgorithm.HS256), "this is not json", SECRET);
        rejected(token, 401, AuthenticationException.TOKEN_MALFORMED);
    }

    @Test
    void correctlySignedWrongTypedExpIsMalformed() {
        String token = TestJwts.signWith(new JWSHeader(JWSAlgorithm.HS256),
                "{\"sub\":\"u\",\"workspaceId\":\"w\",\"exp\":\"tomorrow\"}", SECRET);
        rejected(token, 401, AuthenticationException.TOKEN_MALFORMED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"alg\":\"none\"}", "{\"alg\":\"none\",\"typ\":\"JWT\"}", "{\"alg\":\"NONE\"}", "{\"alg\":\"None\"}"})
    void unsignedTokenIsAlgorithmNotAllowed(String header) {
        rejected(TestJwts.unsigned(header, claims(NOW).build()), 401, AuthenticationException.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void unsignedTokenWithBogusSignaturePartIsStillAlgorithmNotAllowed() {
        String token = TestJwts.unsigned("{\"alg\":\"none\"}", claims(NOW).build()) + "c2ln";
        rejected(token, 401, AuthenticationException.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void otherHmacAlgorithmsAreNotAllowedEvenWithTheRightSecret() {
        String secret64 = SECRET + SECRET;
        var v = new TokenVerifier(new JwtSettings(secret64, null, null, null, null, null, null, null, null), CLOCK);
        for (JWSAlgorithm alg : List.of(JWSAlgorithm.HS384, JWSAlgorithm.HS512)) {
            String token = TestJwts.signWith(new JWSHeader(alg), claims(NOW).build().toString(), secret64);
            rejected(v, token, 401, AuthenticationException.ALGORITHM_NOT_ALLOWED);
        }
        // and the same secret with HS256 is fine, so the refusals above are about the algorithm
        assertEquals("ws-1", assertDoesNotThrow(v, TestJwts.signWith(new JWSHeader(JWSAlgorithm.HS256),
                claims(NOW).build().toString(), secret64)).workspaceId());
    }

    @Test
    void asymmetricAlgorithmsAreNotAllowedWithoutJwks() {
        rejected(TestJwts.rs256(TestJwts.rsaKey("k"), claims(NOW).build()), 401, AuthenticationException.ALGORITHM_NOT_ALLOWED);
        rejected(TestJwts.es256(TestJwts.ecKey("k"), claims(NOW).build()), 401, AuthenticationException.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void unknownAlgorithmNameIsNotAllowed() {
        String token = TestJwts.b64("{\"alg\":\"HS999\"}") + "." + TestJwts.b64(claims(NOW).build().toString()) + ".c2ln";
        rejected(token, 401, AuthenticationException.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void encryptedTokenIsNotAllowed() {
        String token = TestJwts.b64("{\"alg\":\"dir\",\"enc\":\"A128GCM\"}") + "..aXY.Y2lwaGVy.dGFn";
        rejected(token, 401, AuthenticationException.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void tamperedPayloadIsSignatureInvalid() {
        String token = hs256(SECRET, claims(NOW).build());
        String[] parts = token.split("\\.");
        String forged = TestJwts.b64(claims(NOW).claim("workspaceId", "someone-elses").build().toString());
        rejected(parts[0] + "." + forged + "." + parts[2], 401, AuthenticationException.SIGNATURE_INVALID);
    }

    @Test
    void wrongSecretOrMissingSignatureIsSignatureInvalid() {
        String other = hs256("another-secret-that-is-also-32-bytes-long", claims(NOW).build());
        rejected(other, 401, AuthenticationException.SIGNATURE_INVALID);
        String token = hs256(SECRET, claims(NOW).build());
        rejected(token.substring(0, token.lastIndexOf('.') + 1), 401, AuthenticationException.SIGNATURE_INVALID);
    }

    @Test
    void expiredTokenIsRejected() {
        var c = claims(NOW.minusSeconds(3600)).expirationTime(Date.from(NOW.minusSeconds(600))).build();
        rejected(hs256(SECRET, c), 401, AuthenticationException.TOKEN_EXPIRED);
    }

    @Test
    void expiryWithinClockSkewIsTolerated() throws Exception {
        var justExpired = claims(NOW).expirationTime(Date.from(NOW.minusSeconds(20))).build();
        assertEquals(NOW.minusSeconds(20), verifier.verify(hs256(SECRET, justExpired)).expiresAt());

        var atSkewEdge = claims(NOW).expirationTime(Date.from(NOW.minusSeconds(30))).build();
        rejected(hs256(SECRET, atSkewEdge), 401, AuthenticationException.TOKEN_EXPIRED);

        var strict = new TokenVerifier(settings(Duration.ZERO), CLOCK);
        rejected(strict, hs256(SECRET, justExpired), 401, AuthenticationException.TOKEN_EXPIRED);
    }

    @Test
    void notBeforeInTheFutureIsRejected() {
        var c = claims(NOW).notBeforeTime(Date.from(NOW.plusSeconds(300))).build();
        rejected(hs256(SECRET, c), 401, AuthenticationException.TOKEN_NOT_YET_VALID);
    }

    @Test
    void notBeforeWithinClockSkewIsTolerated() throws Exception {
        var soon = claims(NOW).notBeforeTime(Date.from(NOW.plusSeconds(20))).build();
        assertEquals("user-1", verifier.verify(hs256(SECRET, soon)).userId());
        var strict = new TokenVerifier(settings(Duration.ZERO), CLOCK);
        rejected(strict, hs256(SECRET, soon), 401, AuthenticationException.TOKEN_NOT_YET_VALID);
        var now = claims(NOW).notBeforeTime(Date.from(NOW)).build();
        assertEquals("user-1", strict.verify(hs256(SECRET, now)).userId());
    }

    @Test
    void missingExpIsRejected() {
        var c = claims(NOW).expirationTime(null).build();
        var e = rejected(hs256(SECRET, c), 401, AuthenticationException.CLAIMS_MISSING);
        assertEquals("exp is required", e.getMessage());
    }

    @Test
    void wrongOrMissingIssuerIsRejected() {
        rejected(hs256(SECRET, claims(NOW).issuer("https://evil.test").build()), 401, AuthenticationException.ISSUER_INVALID);
        rejected(hs256(SECRET, claims(NOW).issuer(null).build()), 401, AuthenticationException.ISSUER_INVALID);
    }

    @Test
    void anyIssuerAndAudienceAcceptedWhenNotConfigured() throws Exception {
        var open = new TokenVerifier(JwtSettings.hmac(SECRET, null, null), CLOCK);
        var c = claims(NOW).issuer("https://anyone.test").audience("whatever").build();
        assertEquals("ws-1", open.verify(hs256(SECRET, c)).workspaceId());
        assertEquals("ws-1", open.verify(hs256(SECRET, claims(NOW).issuer(null).audience((String) null).build())).workspaceId());
    }

    @Test
    void audienceMustContainConfiguredValue() throws Exception {
        rejected(hs256(SECRET, claims(NOW).audience("other-app").build()), 401, AuthenticationException.AUDIENCE_INVALID);
        rejected(hs256(SECRET, claims(NOW).audience((String) null).build()), 401, AuthenticationException.AUDIENCE_INVALID);
        var many = claims(NOW).audience(List.of("other-app", "pulse")).build();
        assertEquals("user-1", verifier.verify(hs256(SECRET, many)).userId());
    }

    @Test
    void missingOrBlankWorkspaceIsForbidden() {
        rejected(hs256(SECRET, claims(NOW).claim("workspaceId", null).build()), 403, AuthenticationException.CLAIMS_MISSING);
        rejected(hs256(SECRET, claims(NOW).claim("workspaceId", "  ").build()), 403, AuthenticationException.CLAIMS_MISSING);
        rejected(hs256(SECRET, claims(NOW).claim("workspaceId", true).build()), 403, AuthenticationException.CLAIMS_MISSING);
        rejected(hs256(SECRET, claims(NOW).claim("workspaceId", Map.of("id", "ws-1")).build()), 403, AuthenticationException.CLAIMS_MISSING);
        rejected(hs256(SECRET, claims(NOW).claim("workspaceId", List.of("ws-1")).build()), 403, AuthenticationException.CLAIMS_MISSING);
    }

    @Test
    void idsThatAreNotExactlyValidAreRefusedNotNormalised() throws Exception {
        for (String bad : List.of("acme\n", " acme", "acme ", "a#b", "a/b", "ac me", "x".repeat(129), "ünï")) {
            rejected(hs256(SECRET, claims(NOW).claim("workspaceId", bad).build()), 403, AuthenticationException.CLAIMS_INVALID);
            rejected(hs256(SECRET, claims(NOW).subject(bad).build()), 403, AuthenticationException.CLAIMS_INVALID);
        }
        // Identity providers' ids pass as they are: Auth0's pipe, emails, 128 characters.
        assertEquals("auth0|64f1c2", verifier.verify(hs256(SECRET, claims(NOW).subject("auth0|64f1c2").build())).userId());
        assertEquals("a@b.example", verifier.verify(hs256(SECRET, claims(NOW).subject("a@b.example").build())).userId());
        String longest = "w".repeat(128);
        assertEquals(longest, verifier.verify(hs256(SECRET, claims(NOW).claim("workspaceId", longest).build())).workspaceId());
    }

    @Test
    void roomGrantsAreReadFromTheRoomsClaimAndMustBeValid() throws Exception {
        var granted = verifier.verify(hs256(SECRET, claims(NOW).claim("rooms", List.of("project:p-9", "channel:*")).build()));
        assertEquals(List.of("project:p-9", "channel:*"), granted.grants().stream().map(Object::toString).toList());
        assertEquals(List.of(), verifier.verify(hs256(SECRET, claims(NOW).build())).grants());
        rejected(hs256(SECRET, claims(NOW).claim("rooms", "project:p-9").build()), 403, AuthenticationException.CLAIMS_INVALID);
        rejected(hs256(SECRET, claims(NOW).claim("rooms", List.of("project:p-9", 7)).build()), 403, AuthenticationException.CLAIMS_INVALID);
        rejected(hs256(SECRET, claims(NOW).claim("rooms", List.of("user:someone")).build()), 403, AuthenticationException.CLAIMS_INVALID);
        rejected(hs256(SECRET, claims(NOW).claim("rooms", List.of("bad room")).build()), 403, AuthenticationException.CLAIMS_INVALID);
        rejected(hs256(SECRET, claims(NOW).claim("rooms", java.util.Collections.nCopies(101, "chat:1")).build()), 403,
                AuthenticationException.CLAIMS_INVALID);
    }

    @Test
    void aRoomTokenCannotOpenAConnectionAndAConnectionTokenIsNoRoomToken() throws Exception {
        var roomToken = hs256(SECRET, claims(NOW).claim("room", "chat:42").build());
        rejected(roomToken, 401, AuthenticationException.TOKEN_USE_INVALID);
        var verified = verifier.verifyRoomToken(roomToken);
        assertEquals("chat:42", verified.room());
        assertEquals("user-1", verified.userId());
        var notForARoom = assertThrows(AuthenticationException.class,
                () -> verifier.verifyRoomToken(hs256(SECRET, claims(NOW).build())));
        assertEquals(AuthenticationException.TOKEN_USE_INVALID, notForARoom.reason());
        var badRoom = assertThrows(AuthenticationException.class,
                () -> verifier.verifyRoomToken(hs256(SECRET, claims(NOW).claim("room", "no room").build())));
        assertEquals(AuthenticationException.TOKEN_USE_INVALID, badRoom.reason());
    }

    @Test
    void missingOrBlankUserIsForbidden() {
        rejected(hs256(SECRET, claims(NOW).subject(null).build()), 403, AuthenticationException.CLAIMS_MISSING);
        rejected(hs256(SECRET, claims(NOW).subject("").build()), 403, AuthenticationException.CLAIMS_MISSING);
    }

    @Test
    void customClaimNamesAreUsed() throws Exception {
        var custom = new TokenVerifier(new JwtSettings(SECRET, null, null, null, "uid", "tenant", null, null, null), CLOCK);
        var c = claims(NOW).claim("uid", "u-42").claim("tenant", "acme").build();
        assertEquals(new Identity("u-42", "acme", NOW.plusSeconds(600)), custom.verify(hs256(SECRET, c)));
        // sub and workspaceId are present but are not the configured claims
        rejected(custom, hs256(SECRET, claims(NOW).claim("uid", "u-42").build()), 403, AuthenticationException.CLAIMS_MISSING);
        rejected(custom, hs256(SECRET, claims(NOW).claim("tenant", "acme").build()), 403, AuthenticationException.CLAIMS_MISSING);
    }

    @Test
    void numericClaimValuesBecomeStrings() throws Exception {
        var custom = new TokenVerifier(new JwtSettings(SECRET, null, null, null, "uid", "tenant", null, null, null), CLOCK);
        var c = claims(NOW).claim("uid", 42).claim("tenant", 9007199254740993L).build();
        assertEquals(new Identity("42", "9007199254740993", NOW.plusSeconds(600)), custom.verify(hs256(SECRET, c)));
        var fractional = claims(NOW).claim("uid", 7.0).claim("tenant", 2.5).build();
        Identity id = custom.verify(hs256(SECRET, fractional));
        assertEquals("7", id.userId());
        assertEquals("2.5", id.workspaceId());
    }

    @Test
    void secretShorterThan32BytesIsRefusedAtConstruction() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new TokenVerifier(JwtSettings.hmac("x".repeat(31), null, null)));
        assertTrue(e.getMessage().contains("32"), e.getMessage());
        new TokenVerifier(JwtSettings.hmac("x".repeat(32), null, null)); // exactly 32 is enough
    }

    @Test
    void negativeClockSkewIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TokenVerifier(settings(Duration.ofSeconds(-1))));
    }

    @Test
    void nonHttpJwksUrlIsRefused() {
        var s = new JwtSettings(null, java.net.URI.create("file:///etc/passwd"), null, null, null, null, null, null, null);
        assertThrows(IllegalArgumentException.class, () -> new TokenVerifier(s));
    }

    @Test
    void realClockAcceptsCurrentTokens() throws Exception {
        var real = new TokenVerifier(JwtSettings.hmac(SECRET, "https://issuer.test", "pulse"));
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        assertEquals(now.plusSeconds(600), real.verify(hs256(SECRET, claims(now).build())).expiresAt());
        rejected(real, hs256(SECRET, claims(now.minusSeconds(7200)).build()), 401, AuthenticationException.TOKEN_EXPIRED);
    }

    @Test
    void oneInstanceVerifiesConcurrently() throws Exception {
        List<Callable<Boolean>> jobs = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            int n = i;
            String token = n % 4 == 0
                    ? hs256("wrong-secret-wrong-secret-wrong-secret", claims(NOW).build())
                    : hs256(SECRET, claims(NOW).subject("user-" + n).claim("workspaceId", "ws-" + n).build());
            jobs.add(() -> {
                try {
                    Identity id = verifier.verify(token);
                    return n % 4 != 0 && id.userId().equals("user-" + n) && id.workspaceId().equals("ws-" + n);
                } catch (AuthenticationException e) {
                    return n % 4 == 0 && e.reason().equals(AuthenticationException.SIGNATURE_INVALID);
                }
            });
        }
        try (var pool = Executors.newFixedThreadPool(8)) {
            for (Future<Boolean> f : pool.invokeAll(jobs)) {
                assertTrue(f.get());
            }
        }
    }

    @Test
    void tokenIsParsedAsSignedJwtByStandardTools() throws Exception {
        // Guards the helper itself: the tokens these tests build are ordinary HS256 JWTs.
        var jwt = SignedJWT.parse(hs256(SECRET, claims(NOW).build()));
        assertEquals(JWSAlgorithm.HS256, jwt.getHeader().getAlgorithm());
        assertEquals("ws-1", jwt.getJWTClaimsSet().getStringClaim("workspaceId"));
    }

    private static Identity assertDoesNotThrow(TokenVerifier v, String token) {
        try {
            return v.verify(token);
        } catch (AuthenticationException e) {
            throw new AssertionError("expected acceptance but got " + e, e);
        }
    }

}
