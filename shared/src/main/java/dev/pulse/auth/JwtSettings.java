package dev.pulse.auth;

import java.net.URI;
import java.time.Duration;

/**
 * How tokens are verified. At least one key source: an HS256 shared secret, or a JWKS URL (RS256/ES256).
 *
 * @param hmacSecret     HS256 shared secret (at least 32 bytes), or null
 * @param jwksUrl        JWKS endpoint for RS256/ES256 keys, or null
 * @param issuer         required {@code iss}, or null to accept any
 * @param audience       required {@code aud} entry, or null to accept any
 * @param userClaim      claim holding the user id (default {@code sub})
 * @param workspaceClaim claim holding the workspace id (default {@code workspaceId})
 * @param clockSkew      tolerance for {@code exp}/{@code nbf}
 * @param jwksCacheTtl   how long fetched JWKS keys are reused
 * @param roomsClaim     claim holding the token's room grants (default {@code rooms}), for {@code grant} namespaces
 */
public record JwtSettings(
        String hmacSecret,
        URI jwksUrl,
        String issuer,
        String audience,
        String userClaim,
        String workspaceClaim,
        Duration clockSkew,
        Duration jwksCacheTtl,
        String roomsClaim) {

    public JwtSettings {
        if ((hmacSecret == null || hmacSecret.isEmpty()) && jwksUrl == null) {
            throw new IllegalArgumentException("JWT settings need a shared secret (PULSE_JWT_SECRET) or a JWKS URL (PULSE_JWT_JWKS_URL)");
        }
        userClaim = userClaim == null || userClaim.isBlank() ? "sub" : userClaim;
        workspaceClaim = workspaceClaim == null || workspaceClaim.isBlank() ? "workspaceId" : workspaceClaim;
        clockSkew = clockSkew == null ? Duration.ofSeconds(30) : clockSkew;
        jwksCacheTtl = jwksCacheTtl == null ? Duration.ofMinutes(15) : jwksCacheTtl;
        roomsClaim = roomsClaim == null || roomsClaim.isBlank() ? "rooms" : roomsClaim;
    }

    /** Where the identity is in a token's claims. */
    public ClaimNames claimNames() {
        return new ClaimNames(userClaim, workspaceClaim, roomsClaim);
    }

    /** HS256-only settings with default claim names, as used by the local runtime and tests. */
    public static JwtSettings hmac(String secret, String issuer, String audience) {
        return new JwtSettings(secret, null, issuer, audience, null, null, null, null, null);
    }
}
