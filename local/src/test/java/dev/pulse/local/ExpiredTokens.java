package dev.pulse.local;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;

/** Tokens correctly signed with the local secret but expired an hour ago (TokenIssuer refuses to mint them). */
final class ExpiredTokens {
    private ExpiredTokens() {
    }

    static String signedExpired(String user, String workspace) throws Exception {
        var claims = new JWTClaimsSet.Builder().subject(user).claim("workspaceId", workspace)
                .issuer("pulse-local").audience("pulse").expirationTime(Date.from(Instant.now().minusSeconds(3600))).build();
        var jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(LocalSettings.DEVELOPMENT_SECRET.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }
}
