package dev.pulse.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Mints HS256 tokens that {@link TokenVerifier} accepts with {@link JwtSettings#hmac}: for the local
 * runtime's development tokens and for tests. Production tokens come from the app's identity provider.
 * Thread-safe.
 */
public final class TokenIssuer {

    private final MACSigner signer;
    private final String issuer;
    private final String audience;
    private final Clock clock;

    /**
     * @param hmacSecret shared secret, at least 32 bytes (UTF-8)
     * @param issuer     {@code iss} to put in tokens, or null for none
     * @param audience   {@code aud} to put in tokens, or null for none
     */
    public TokenIssuer(String hmacSecret, String issuer, String audience) {
        this(hmacSecret, issuer, audience, Clock.systemUTC());
    }

    /** With a clock of its own (tests issue tokens that are already expired). */
    public TokenIssuer(String hmacSecret, String issuer, String audience, Clock clock) {
        byte[] secret = TokenVerifier.hmacSecretBytes(hmacSecret);
        try {
            this.signer = new MACSigner(secret);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable HS256 secret: " + e.getMessage(), e);
        }
        this.issuer = issuer;
        this.audience = audience;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** An HS256 token for {@code userId} in {@code workspaceId}, valid for {@code ttl} from now. */
    public String issue(String userId, String workspaceId, Duration ttl) {
        return issue(userId, workspaceId, ttl, Map.of());
    }

    /** A connection token that also grants rooms ({@code rooms} claim), e.g. {@code ["project:p-9", "channel:*"]}. */
    public String issueWithGrants(String userId, String workspaceId, Duration ttl, List<String> grants) {
        return issue(userId, workspaceId, ttl, Map.of("rooms", grants));
    }

    /** A room token: admission of {@code userId} of {@code workspaceId} to {@code room} for {@code ttl}. */
    public String issueRoomToken(String userId, String workspaceId, String room, Duration ttl) {
        return issue(userId, workspaceId, ttl, Map.of(TokenVerifier.ROOM_CLAIM, room));
    }

    private String issue(String userId, String workspaceId, Duration ttl, Map<String, Object> extra) {
        requireNonBlank(userId, "userId");
        requireNonBlank(workspaceId, "workspaceId");
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, was " + ttl);
        }
        Instant now = clock.instant();
        var claims = new JWTClaimsSet.Builder()
                .subject(userId)
                .claim("workspaceId", workspaceId)
                .issuer(issuer)
                .audience(audience)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString());
        extra.forEach(claims::claim);
        var jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("HS256 signing failed", e);
        }
        return jwt.serialize();
    }

    private static void requireNonBlank(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
