package dev.pulse.auth;

import static dev.pulse.auth.TestJwts.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.pulse.model.Identity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenIssuerTest {

    @Test
    void issuedTokenVerifies() throws Exception {
        var issuer = new TokenIssuer(SECRET, "pulse-local", "pulse");
        Instant before = Instant.now();
        Identity id = new TokenVerifier(JwtSettings.hmac(SECRET, "pulse-local", "pulse"))
                .verify(issuer.issue("alice", "acme", Duration.ofHours(1)));
        assertEquals("alice", id.userId());
        assertEquals("acme", id.workspaceId());
        assertTrue(!id.expiresAt().isBefore(before.plusSeconds(3600).minusSeconds(1)), id.expiresAt().toString());
        assertTrue(!id.expiresAt().isAfter(Instant.now().plusSeconds(3600)), id.expiresAt().toString());
    }

    @Test
    void carriesTheDocumentedClaims() throws Exception {
        Instant now = Instant.parse("2026-03-01T12:00:00Z");
        var issuer = new TokenIssuer(SECRET, "pulse-local", "pulse", Clock.fixed(now, ZoneOffset.UTC));
        SignedJWT jwt = SignedJWT.parse(issuer.issue("alice", "acme", Duration.ofMinutes(10)));
        assertEquals(JWSAlgorithm.HS256, jwt.getHeader().getAlgorithm());
        JWTClaimsSet c = jwt.getJWTClaimsSet();
        assertEquals("alice", c.getSubject());
        assertEquals("acme", c.getStringClaim("workspaceId"));
        assertEquals("pulse-local", c.getIssuer());
        assertEquals(List.of("pulse"), c.getAudience());
        assertEquals(now, c.getIssueTime().toInstant());
        assertEquals(now.plusSeconds(600), c.getExpirationTime().toInstant());
        assertNotNull(c.getJWTID());
    }

    @Test
    void everyTokenHasItsOwnJti() throws Exception {
        var issuer = new TokenIssuer(SECRET, null, null);
        String a = SignedJWT.parse(issuer.issue("u", "w", Duration.ofMinutes(1))).getJWTClaimsSet().getJWTID();
        String b = SignedJWT.parse(issuer.issue("u", "w", Duration.ofMinutes(1))).getJWTClaimsSet().getJWTID();
        assertNotEquals(a, b);
    }

    @Test
    void nullIssuerAndAudienceAreLeftOut() throws Exception {
        JWTClaimsSet c = SignedJWT.parse(new TokenIssuer(SECRET, null, null).issue("u", "w", Duration.ofMinutes(1))).getJWTClaimsSet();
        assertNull(c.getIssuer());
        assertTrue(c.getAudience().isEmpty());
        assertTrue(!c.getClaims().containsKey("aud") && !c.getClaims().containsKey("iss"));
    }

    @Test
    void tokenFromAnotherSecretDoesNotVerify() {
        String token = new TokenIssuer("some-other-secret-with-enough-bytes!", null, null).issue("u", "w", Duration.ofMinutes(1));
        var e = assertThrows(AuthenticationException.class,
                () -> new TokenVerifier(JwtSettings.hmac(SECRET, null, null)).verify(token));
        assertEquals(AuthenticationException.SIGNATURE_INVALID, e.reason());
    }

    @Test
    void expiredIssuedTokenIsRejected() {
        Instant past = Instant.now().minus(Duration.ofHours(2));
        String token = new TokenIssuer(SECRET, null, null, Clock.fixed(past, ZoneOffset.UTC)).issue("u", "w", Duration.ofMinutes(5));
        var e = assertThrows(AuthenticationException.class,
                () -> new TokenVerifier(JwtSettings.hmac(SECRET, null, null)).verify(token));
        assertEquals(AuthenticationException.TOKEN_EXPIRED, e.reason());
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TokenIssuer("too-short", null, null));
        assertThrows(IllegalArgumentException.class, () -> new TokenIssuer(null, null, null));
        var issuer = new TokenIssuer(SECRET, null, null);
        assertThrows(IllegalArgumentException.class, () -> issuer.issue("u", "w", Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> issuer.issue("u", "w", Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> issuer.issue("u", "w", null));
        assertThrows(IllegalArgumentException.class, () -> issuer.issue(" ", "w", Duration.ofMinutes(1)));
        assertThrows(IllegalArgumentException.class, () -> issuer.issue("u", null, Duration.ofMinutes(1)));
    }
}
