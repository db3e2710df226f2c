package dev.pulse.auth;

import static dev.pulse.auth.AuthenticationException.forbidden;
import static dev.pulse.auth.AuthenticationException.unauthorized;

import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.CachingJWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetBasedJWKSource;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.jwk.source.RateLimitedJWKSetSource;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.pulse.model.Identity;
import dev.pulse.model.Room;
import dev.pulse.model.RoomGrant;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;

/**
 * Verifies the JWT a client presents at {@code $connect} and turns it into an {@link Identity}.
 *
 * <p>Accepted algorithms are exactly those whose key source is configured: HS256 with
 * {@link JwtSettings#hmacSecret()}, RS256 and ES256 with keys from {@link JwtSettings#jwksUrl()}. Anything
 * else, including {@code alg=none} and an HS256 token when only a JWKS is configured (the key-confusion
 * attack that signs with the public key as an HMAC secret), is refused as {@code algorithm_not_allowed}.
 * Keys are taken only from configuration, never from token headers ({@code jwk}, {@code jku}, {@code x5u}).
 *
 * <p>{@code exp} is required ({@code claims_missing}, 401): connections live for hours, so an unbounded
 * token would be an unbounded credential. {@code exp} and {@code nbf} are checked with
 * {@link JwtSettings#clockSkew()} tolerance; {@code iss} and {@code aud} only when configured.
 * A genuine, current token without a usable user or workspace claim is 403 {@code claims_missing}.
 *
 * <p>JWKS keys are fetched over HTTP(S) and cached for {@link JwtSettings#jwksCacheTtl()}; a token with an
 * unknown {@code kid} forces one refresh (key rotation), rate limited so forged {@code kid}s cannot make us
 * hammer the identity provider. When the keys cannot be fetched, tokens are refused as
 * {@code keys_unavailable}.
 *
 * <p>Thread-safe. Build once (the constructor does the setup) and reuse across invocations.
 */
public final class TokenVerifier implements Authenticator {

    /** Longer than any sane JWT; refuse before spending effort on decoding. */
    /** Tokens longer than this are refused undecoded (token_too_large); the same cap as for opaque tokens. */
    static final int MAX_TOKEN_LENGTH = 8 * 1024;
    static final int MIN_HMAC_SECRET_BYTES = 32;

    private static final int JWKS_CONNECT_TIMEOUT_MS = 1_000;
    private static final int JWKS_READ_TIMEOUT_MS = 2_000;
    private static final int JWKS_SIZE_LIMIT_BYTES = 64 * 1024;
    private static final long JWKS_MAX_REFRESH_INTERVAL_MS = 30_000;

    private final JwtSettings settings;
    private final Clock clock;
    private final JWSVerifier hmacVerifier;             // null when no secret is configured
    private final JWKSource<SecurityContext> jwks;      // null when no JWKS URL is configured
    private final JWKSetSource<SecurityContext> cachedJwks;

    public TokenVerifier(JwtSettings settings) {
        this(settings, Clock.systemUTC());
    }

    /** With an explicit clock for {@code exp}/{@code nbf} checks (tests). */
    TokenVerifier(JwtSettings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (settings.clockSkew().isNegative()) {
            throw new IllegalArgumentException("clockSkew must not be negative");
        }
        if (settings.hmacSecret() != null && !settings.hmacSecret().isEmpty()) {
            try {
                this.hmacVerifier = new MACVerifier(hmacSecretBytes(settings.hmacSecret()));
            } catch (JOSEException e) {
                throw new IllegalArgumentException("unusable HS256 secret: " + e.getMessage(), e);
            }
        } else {
            this.hmacVerifier = null;
        }
        if (settings.jwksUrl() != null) {
            long ttl = settings.jwksCacheTtl().toMillis();
            if (ttl <= 0) {
                throw new IllegalArgumentException("jwksCacheTtl must be positive");
            }
            JWKSetSource<SecurityContext> source = new URLBasedJWKSetSource<>(jwksUrl(settings.jwksUrl()),
                    new DefaultResourceRetriever(JWKS_CONNECT_TIMEOUT_MS, JWKS_READ_TIMEOUT_MS, JWKS_SIZE_LIMIT_BYTES));
            // Two fetches per interval (nimbus' rule): one for expiry, one spare for a rotation. The interval
            // must stay below the TTL or expiry refreshes themselves would be refused.
            long minInterval = Math.min(JWKS_MAX_REFRESH_INTERVAL_MS, ttl / 2);
            if (minInterval > 0) {
                source = new RateLimitedJWKSetSource<>(source, minInterval, null);
            }
            // Plain caching, no refresh-ahead: a Lambda is frozen between invocations, so background
            // refresh threads would buy nothing.
            this.cachedJwks = new CachingJWKSetSource<>(source, ttl,
                    JWKS_CONNECT_TIMEOUT_MS + JWKS_READ_TIMEOUT_MS + 1_000L, null);
            this.jwks = new JWKSetBasedJWKSource<>(cachedJwks);
        } else {
            this.cachedJwks = null;
            this.jwks = null;
        }
    }

    /**
     * @param token the raw compact JWT
     * @return who the token proves the caller to be
     * @throws AuthenticationException 401 or 403, with a reason code, when the token is not acceptable
     */
    @Override
    public Identity authenticate(String token) throws AuthenticationException {
        return verify(token);
    }

    public Identity verify(String token) throws AuthenticationException {
        JWTClaimsSet claims = checkedClaims(token, "token");
        if (claims.getClaim(ROOM_CLAIM) != null) {
            // A room token is short-lived and meant for one room.join: it must not open (or refresh) a connection.
            throw unauthorized(AuthenticationException.TOKEN_USE_INVALID,
                    "this is a room token (it has a \"" + ROOM_CLAIM + "\" claim); connect with a connection token");
        }
        String user = IdentityClaims.identifier(claims::getClaim, settings.userClaim());
        String workspace = IdentityClaims.identifier(claims::getClaim, settings.workspaceClaim());
        return new Identity(user, workspace, expiresAt(claims), IdentityClaims.grants(claims::getClaim, settings.roomsClaim()));
    }

    /**
     * The claims of a token that passed every check both kinds of token share: present, not over the size cap, a
     * compact JWS with an allowed algorithm and a good signature, a claims set, {@code exp}/{@code nbf}, issuer and
     * audience.
     *
     * @param what how errors name the token ("token", "room token")
     */
    private JWTClaimsSet checkedClaims(String token, String what) throws AuthenticationException {
        if (token == null || token.isBlank()) {
            throw unauthorized(AuthenticationException.TOKEN_MISSING, "no " + what + " presented");
        }
        token = token.strip();
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw unauthorized(AuthenticationException.TOKEN_TOO_LARGE, what + " is longer than " + MAX_TOKEN_LENGTH + " characters");
        }
        SignedJWT jwt = parse(token);
        verifySignature(jwt);
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw unauthorized(AuthenticationException.TOKEN_MALFORMED, what + " payload is not a valid claims set: " + e.getMessage());
        }
        checkTimes(claims);
        checkIssuerAndAudience(claims);
        return claims;
    }

    private static Instant expiresAt(JWTClaimsSet claims) {
        return claims.getExpirationTime().toInstant(); // present: checkTimes requires it
    }

    /**
     * Verifies a room token: signed with the same keys and checked by the same rules as a connection token
     * (algorithm, {@code exp} required, issuer, audience, user and workspace claims), and carrying a {@code room}
     * claim naming the one room it admits to. Whether it is for the right room, user and workspace is the caller's
     * check ({@link RoomToken#mismatch}).
     */
    public RoomToken verifyRoomToken(String token) throws AuthenticationException {
        JWTClaimsSet claims = checkedClaims(token, "room token");
        Object room = claims.getClaim(ROOM_CLAIM);
        if (!(room instanceof String name) || !Room.isValidName(name)) {
            throw unauthorized(AuthenticationException.TOKEN_USE_INVALID,
                    "a room token needs a \"" + ROOM_CLAIM + "\" claim naming one room");
        }
        return new RoomToken(IdentityClaims.identifier(claims::getClaim, settings.userClaim()),
                IdentityClaims.identifier(claims::getClaim, settings.workspaceClaim()), name, expiresAt(claims));
    }

    /** The claim naming a room token's room (and marking a token as a room token). */
    public static final String ROOM_CLAIM = "room";

    /** Parses the header first so an unacceptable algorithm is named as such, whatever else is wrong. */
    private SignedJWT parse(String token) throws AuthenticationException {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 && parts.length != 5) {
            throw unauthorized(AuthenticationException.TOKEN_MALFORMED, "token is not a compact JWS (expected 3 dot-separated parts)");
        }
        Header header;
        try {
            header = Header.parse(new Base64URL(parts[0]));
        } catch (ParseException | RuntimeException e) {
            throw unauthorized(AuthenticationException.TOKEN_MALFORMED, "token header is not valid: " + e.getMessage());
        }
        if (!(header instanceof JWSHeader jwsHeader)) {
            throw unauthorized(AuthenticationException.ALGORITHM_NOT_ALLOWED,
                    "algorithm " + header.getAlgorithm() + " is not allowed; tokens must be signed");
        }
        JWSAlgorithm alg = jwsHeader.getAlgorithm();
        if (!isAllowed(alg)) {
            throw unauthorized(AuthenticationException.ALGORITHM_NOT_ALLOWED, "algorithm " + alg + " is not allowed; accepted: " + allowedAlgorithms());
        }
        if (parts.length != 3) {
            throw unauthorized(AuthenticationException.TOKEN_MALFORMED, "a signed token has exactly 3 dot-separated parts");
        }
        if (parts[2].isEmpty()) {
            // A signed algorithm with the signature stripped: the classic downgrade probe.
            throw unauthorized(AuthenticationException.SIGNATURE_INVALID, alg + " token carries no signature");
        }
        try {
            return new SignedJWT(new Base64URL(parts[0]), new Base64URL(parts[1]), new Base64URL(parts[2]));
        } catch (ParseException | RuntimeException e) {
            throw unauthorized(AuthenticationException.TOKEN_MALFORMED, "token is not valid: " + e.getMessage());
        }
    }

    private boolean isAllowed(JWSAlgorithm alg) {
        if (JWSAlgorithm.HS256.equals(alg)) {
            return hmacVerifier != null;
        }
        if (JWSAlgorithm.RS256.equals(alg) || JWSAlgorithm.ES256.equals(alg)) {
            return jwks != null;
        }
        return false;
    }

    private String allowedAlgorithms() {
        if (hmacVerifier != null && jwks != null) {
            return "HS256, RS256, ES256";
        }
        return hmacVerifier != null ? "HS256" : "RS256, ES256";
    }

    private void verifySignature(SignedJWT jwt) throws AuthenticationException {
        JWSHeader header = jwt.getHeader();
        if (JWSAlgorithm.HS256.equals(header.getAlgorithm())) {
            if (!verifies(jwt, hmacVerifier)) {
                throw unauthorized(AuthenticationException.SIGNATURE_INVALID, "HS256 signature does not verify");
            }
            return;
        }
        List<JWK> candidates = jwksKeys(header);
        if (candidates.isEmpty()) {
            throw unauthorized(AuthenticationException.SIGNATURE_INVALID,
                    "no " + header.getAlgorithm() + " key in the JWKS matches kid " + header.getKeyID());
        }
        for (JWK jwk : candidates) {
            if (verifies(jwt, verifierFor(jwk))) {
                return;
            }
        }
        throw unauthorized(AuthenticationException.SIGNATURE_INVALID, header.getAlgorithm() + " signature does not verify");
    }

    private List<JWK> jwksKeys(JWSHeader header) throws AuthenticationException {
        JWKSelector selector = new JWKSelector(JWKMatcher.forJWSHeader(header));
        try {
            return jwks.get(selector, null);
        } catch (RateLimitReachedException e) {
            // The refresh an unknown kid asks for was refused. Judge the token by the keys already held, so
            // a forged kid reads as a bad signature rather than as an identity-provider outage.
            try {
                return selector.select(cachedJwks.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), System.currentTimeMillis(), null));
            } catch (KeySourceException again) {
                throw keysUnavailable(again);
            }
        } catch (KeySourceException e) {
            throw keysUnavailable(e);
        }
    }

    private AuthenticationException keysUnavailable(KeySourceException e) {
        String detail = e instanceof RateLimitReachedException
                ? "refetch rate-limited after a recent attempt"
                : Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName());
        return unauthorized(AuthenticationException.KEYS_UNAVAILABLE,
                "signing keys could not be fetched from the JWKS endpoint: " + detail, e);
    }

    private static JWSVerifier verifierFor(JWK jwk) {
        try {
            return switch (jwk) {
                case RSAKey rsa -> new RSASSAVerifier(rsa);
                case ECKey ec -> new ECDSAVerifier(ec);
                default -> null;
            };
        } catch (JOSEException e) {
            return null; // unusable key (e.g. wrong curve): it cannot vouch for anything
        }
    }

    private static boolean verifies(SignedJWT jwt, JWSVerifier verifier) {
        if (verifier == null) {
            return false;
        }
        try {
            return jwt.verify(verifier);
        } catch (JOSEException | IllegalStateException e) {
            return false;
        }
    }

    private Instant checkTimes(JWTClaimsSet claims) throws AuthenticationException {
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw unauthorized(AuthenticationException.CLAIMS_MISSING, "exp is required");
        }
        Instant now = clock.instant();
        Duration skew = settings.clockSkew();
        Instant expiresAt = exp.toInstant();
        if (!now.isBefore(expiresAt.plus(skew))) {
            throw unauthorized(AuthenticationException.TOKEN_EXPIRED, "token expired at " + expiresAt);
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.plus(skew).isBefore(nbf.toInstant())) {
            throw unauthorized(AuthenticationException.TOKEN_NOT_YET_VALID, "token is not valid before " + nbf.toInstant());
        }
        return expiresAt;
    }

    private void checkIssuerAndAudience(JWTClaimsSet claims) throws AuthenticationException {
        if (settings.issuer() != null && !settings.issuer().equals(claims.getIssuer())) {
            throw unauthorized(AuthenticationException.ISSUER_INVALID,
                    "iss " + IdentityClaims.quoted(claims.getIssuer()) + " is not the expected issuer " + IdentityClaims.quoted(settings.issuer()));
        }
        if (settings.audience() != null) {
            List<String> aud = claims.getAudience();
            if (aud == null || !aud.contains(settings.audience())) {
                throw unauthorized(AuthenticationException.AUDIENCE_INVALID,
                        "aud " + aud + " does not include " + IdentityClaims.quoted(settings.audience()));
            }
        }
    }



    static byte[] hmacSecretBytes(String secret) {
        if (secret == null) {
            throw new IllegalArgumentException("HS256 secret must not be null");
        }
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_HMAC_SECRET_BYTES) {
            throw new IllegalArgumentException("HS256 secret must be at least " + MIN_HMAC_SECRET_BYTES
                    + " bytes, was " + bytes.length);
        }
        return bytes;
    }

    private static URL jwksUrl(URI uri) {
        String scheme = uri.getScheme();
        // Only the network: the retriever would otherwise happily read file: URLs.
        if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("jwksUrl must be http or https, was " + uri);
        }
        try {
            return uri.toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("jwksUrl is not a valid URL: " + uri, e);
        }
    }
}
