package dev.pulse.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;

/** Builds tokens for tests, including ones no honest issuer would produce. */
final class TestJwts {

    static final String SECRET = "0123456789abcdef0123456789abcdef-test-secret";

    private TestJwts() {
    }

    /** Claims a well-behaved issuer would put in: sub, workspaceId, iss, aud, exp in 10 minutes of {@code now}. */
    static JWTClaimsSet.Builder claims(Instant now) {
        return new JWTClaimsSet.Builder()
                .subject("user-1")
                .claim("workspaceId", "ws-1")
                .issuer("https://issuer.test")
                .audience("pulse")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(600)));
    }

    static String hs256(String secret, JWTClaimsSet claims) {
        return sign(new JWSHeader(JWSAlgorithm.HS256), claims.toString(), macSigner(secret.getBytes(StandardCharsets.UTF_8)));
    }

    static String hs256(byte[] secret, JWTClaimsSet claims) {
        return sign(new JWSHeader(JWSAlgorithm.HS256), claims.toString(), macSigner(secret));
    }

    static String signWith(JWSHeader header, String payload, String secret) {
        return sign(header, payload, macSigner(secret.getBytes(StandardCharsets.UTF_8)));
    }

    static String rs256(RSAKey key, JWTClaimsSet claims) {
        return rs256(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), key, claims);
    }

    static String rs256(JWSHeader header, RSAKey key, JWTClaimsSet claims) {
        try {
            return sign(header, claims.toString(), new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String es256(ECKey key, JWTClaimsSet claims) {
        try {
            return sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims.toString(),
                    new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An unsecured JWT, built by hand: base64url({"alg":"none"}) . base64url(payload) . (empty) */
    static String unsigned(String headerJson, JWTClaimsSet claims) {
        return b64(headerJson) + "." + b64(claims.toString()) + ".";
    }

    static String b64(String json) {
        return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
    }

    static RSAKey rsaKey(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static ECKey ecKey(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same key pair under another kid. */
    static RSAKey rsaKeyWithId(RSAKey key, String kid) {
        return new RSAKey.Builder(key).keyID(kid).build();
    }

    static ECKey ecKeyWithId(ECKey key, String kid) {
        return new ECKey.Builder(key).keyID(kid).build();
    }

    static String signWith(JWSHeader header, String payload, byte[] secret) {
        return sign(header, payload, macSigner(secret));
    }

    private static MACSigner macSigner(byte[] secret) {
        try {
            return new MACSigner(secret);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sign(JWSHeader header, String payload, com.nimbusds.jose.JWSSigner signer) {
        var jws = new JWSObject(header, new Payload(payload));
        try {
            jws.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jws.serialize();
    }
}
