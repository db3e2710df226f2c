package dev.pulse.auth;

import static dev.pulse.auth.TestJwts.SECRET;
import static dev.pulse.auth.TestJwts.claims;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import dev.pulse.model.Identity;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RS256/ES256 against a JWKS document served by a real HTTP server on a loopback port. */
class TokenVerifierJwksTest {

    private static RSAKey rsaA;
    private static RSAKey rsaB;
    private static RSAKey attacker;
    private static ECKey ec;

    private JwksServer jwks;
    private Instant now;

    @BeforeAll
    static void keys() {
        rsaA = TestJwts.rsaKey("rsa-a");
        rsaB = TestJwts.rsaKey("rsa-b");
        attacker = TestJwts.rsaKey("attacker");
        ec = TestJwts.ecKey("ec-1");
    }

    @BeforeEach
    void start() throws Exception {
        jwks = new JwksServer();
        jwks.serve(List.of(rsaA, ec));
        now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        jwks.close();
    }

    private TokenVerifier verifier(String secret, URI url, Duration ttl) {
        return new TokenVerifier(new JwtSettings(secret, url, "https://issuer.test", "pulse", null, null, null, ttl, null));
    }

    private TokenVerifier jwksOnly() {
        return verifier(null, jwks.uri(), null);
    }

    private static AuthenticationException rejected(TokenVerifier v, String token, String reason) {
        var e = assertThrows(AuthenticationException.class, () -> v.verify(token));
        assertEquals(reason, e.reason(), e.getMessage());
        assertEquals(401, e.status());
        return e;
    }

    @Test
    void rs256TokenVerifiesWithJwksKey() throws Exception {
        Identity id = jwksOnly().verify(TestJwts.rs256(rsaA, claims(now).build()));
        assertEquals(new Identity("user-1", "ws-1", now.plusSeconds(600)), id);
    }

    @Test
    void es256TokenVerifiesWithJwksKey() throws Exception {
        Identity id = jwksOnly().verify(TestJwts.es256(ec, claims(now).subject("user-ec").build()));
        assertEquals(new Identity("user-ec", "ws-1", now.plusSeconds(600)), id);
    }

    @Test
    void jwksIsFetchedOnceAndCached() throws Exception {
        TokenVerifier v = jwksOnly();
        assertEquals(0, jwks.requests(), "nothing is fetched before the first token");
        v.verify(TestJwts.rs256(rsaA, claims(now).build()));
        v.verify(TestJwts.rs256(rsaA, claims(now).subject("user-2").build()));
        v.verify(TestJwts.es256(ec, claims(now).build()));
        assertEquals(1, jwks.requests());
    }

    @Test
    void cachedKeysExpireAfterTheConfiguredTtl() throws Exception {
        TokenVerifier v = verifier(null, jwks.uri(), Duration.ofMillis(300));
        v.verify(TestJwts.rs256(rsaA, claims(now).build()));
        assertEquals(1, jwks.requests());
        Thread.sleep(600);
        v.verify(TestJwts.rs256(rsaA, claims(now).build()));
        assertEquals(2, jwks.requests());
    }

    @Test
    void unknownKidAfterRotationTriggersOneRefetch() throws Exception {
        TokenVerifier v = jwksOnly();
        v.verify(TestJwts.rs256(rsaA, claims(now).build()));
        jwks.serve(List.of(rsaB, ec)); // the provider rotates A out and B in

        assertEquals("user-1", v.verify(TestJwts.rs256(rsaB, claims(now).build())).userId());
        assertEquals(2, jwks.requests());
        v.verify(TestJwts.rs256(rsaB, claims(now).build()));
        assertEquals(2, jwks.requests(), "the refreshed set is cached");

        // A is gone; its kid is unknown now, and the refresh budget is spent: judged on the cached set.
        rejected(v, TestJwts.rs256(rsaA, claims(now).build()), AuthenticationException.SIGNATURE_INVALID);
        assertEquals(2, jwks.requests());
    }

    @Test
    void forgedKidsCannotMakeUsHammerTheJwksEndpoint() {
        TokenVerifier v = jwksOnly();
        for (int i = 0; i < 10; i++) {
            rejected(v, TestJwts.rs256(TestJwts.rsaKeyWithId(attacker, "forged-" + i), claims(now).build()),
                    AuthenticationException.SIGNATURE_INVALID);
        }
        assertTrue(jwks.requests() <= 2, "requests: " + jwks.requests());
    }

    @Test
    void knownKidSignedByAnotherKeyIsSignatureInvalid() {
        RSAKey impostor = TestJwts.rsaKeyWithId(attacker, rsaA.getKeyID());
        rejected(jwksOnly(), TestJwts.rs256(impostor, claims(now).build()), AuthenticationException.SIGNATURE_INVALID);
    }

    @Test
    void keyEmbeddedInTheTokenHeaderIsNotTrusted() {
        var header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("attacker").jwk(attacker.toPublicJWK()).build();
        rejected(jwksOnly(), TestJwts.rs256(header, attacker, claims(now).build()), AuthenticationException.SIGNATURE_INVALID);
    }

    @Test
    void tamperedRs256PayloadIsSignatureInvalid() {
        String[] parts = TestJwts.rs256(rsaA, claims(now).build()).split("\\.");
        String forged = TestJwts.b64(claims(now).claim("workspaceId", "ws-other").build().toString());
        rejected(jwksOnly(), parts[0] + "." + forged + "." + parts[2], AuthenticationException.SIGNATURE_INVALID);
    }

    @Test
    void hs256SignedWithThePublicKeyIsAlgorithmNotAllowed() throws Exception {
        // The key-confusion attack: the public key is public, so an HMAC "signed" with it proves nothing.
        TokenVerifier v = jwksOnly();
        byte[] der = rsaA.toRSAPublicKey().getEncoded();
        byte[] jwkJson = rsaA.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
        byte[] jwksDoc = new com.nimbusds.jose.jwk.JWKSet(List.of(rsaA.toPublicJWK())).toString().getBytes(StandardCharsets.UTF_8);
        for (byte[] secret : List.of(der, jwkJson, jwksDoc)) {
            var header = new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(rsaA.getKeyID()).build();
            String token = TestJwts.signWith(header, claims(now).build().toString(), secret);
            rejected(v, token, AuthenticationException.ALGORITHM_NOT_ALLOWED);
        }
    }

    @Test
    void unsignedTokenIsAlgorithmNotAllowed() {
        rejected(jwksOnly(), TestJwts.unsigned("{\"alg\":\"none\"}", claims(now).build()), AuthenticationException.ALGORITHM_NOT_ALLOWED);
        assertEquals(0, jwks.requests(), "refused before any key lookup");
    }

    @Test
    void unreachableJwksIsKeysUnavailable() throws Exception {
        URI dead;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/jwks.json");
        } // closed: connections are now refused
        TokenVerifier v = verifier(null, dead, null);
        String token = TestJwts.rs256(rsaA, claims(now).build());
        var e = rejected(v, token, AuthenticationException.KEYS_UNAVAILABLE);
        assertTrue(e.getCause() != null, "the fetch failure is attached");
        // later attempts are rate limited, and still read as an outage
        rejected(v, token, AuthenticationException.KEYS_UNAVAILABLE);
        rejected(v, token, AuthenticationException.KEYS_UNAVAILABLE);
    }

    @Test
    void jwksServerErrorIsKeysUnavailable() {
        jwks.serveRaw(500, "{\"error\":\"boom\"}");
        rejected(jwksOnly(), TestJwts.rs256(rsaA, claims(now).build()), AuthenticationException.KEYS_UNAVAILABLE);
        assertEquals(1, jwks.requests());
    }

    @Test
    void jwksThatIsNotAKeySetIsKeysUnavailable() {
        jwks.serveRaw(200, "<html>login</html>");
        rejected(jwksOnly(), TestJwts.rs256(rsaA, claims(now).build()), AuthenticationException.KEYS_UNAVAILABLE);
    }

    @Test
    void jwksRecoversAfterAnOutage() throws Exception {
        jwks.serveRaw(503, "unavailable");
        TokenVerifier v = jwksOnly();
        rejected(v, TestJwts.rs256(rsaA, claims(now).build()), AuthenticationException.KEYS_UNAVAILABLE);
        jwks.serveRaw(200, new com.nimbusds.jose.jwk.JWKSet(List.of(rsaA.toPublicJWK())).toString());
        assertEquals("ws-1", v.verify(TestJwts.rs256(rsaA, claims(now).build())).workspaceId());
    }

    @Test
    void claimRulesApplyToJwksTokensToo() {
        TokenVerifier v = jwksOnly();
        rejected(v, TestJwts.rs256(rsaA, claims(now).issuer("https://evil.test").build()), AuthenticationException.ISSUER_INVALID);
        rejected(v, TestJwts.es256(ec, claims(now.minusSeconds(7200)).build()), AuthenticationException.TOKEN_EXPIRED);
        var e = assertThrows(AuthenticationException.class,
                () -> v.verify(TestJwts.rs256(rsaA, claims(now).claim("workspaceId", null).build())));
        assertEquals(403, e.status());
        assertEquals(AuthenticationException.CLAIMS_MISSING, e.reason());
    }

    @Test
    void es256TokenPointingAtAnRsaKeyIsSignatureInvalid() {
        ECKey confused = TestJwts.ecKeyWithId(TestJwts.ecKey("x"), rsaA.getKeyID());
        rejected(jwksOnly(), TestJwts.es256(confused, claims(now).build()), AuthenticationException.SIGNATURE_INVALID);
    }

    @Test
    void bothKeySourcesWorkTogether() throws Exception {
        TokenVerifier v = verifier(SECRET, jwks.uri(), null);
        assertEquals("user-1", v.verify(TestJwts.hs256(SECRET, claims(now).build())).userId());
        assertEquals(0, jwks.requests(), "HS256 needs no JWKS");
        assertEquals("user-1", v.verify(TestJwts.rs256(rsaA, claims(now).build())).userId());
        assertEquals("user-1", v.verify(TestJwts.es256(ec, claims(now).build())).userId());
        assertEquals(1, jwks.requests());
        // the HMAC secret does not make public-key HMACs acceptable
        String confused = TestJwts.hs256(rsaA.toRSAPublicKey().getEncoded(), claims(now).build());
        rejected(v, confused, AuthenticationException.SIGNATURE_INVALID);
    }
}
