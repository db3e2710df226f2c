package dev.pulse.auth;

import java.util.Objects;

/**
 * Why a {@code $connect} was refused. {@link #status()} is the HTTP status the upgrade is rejected with:
 * 401 when the caller is not authenticated (no token, or one we cannot trust), 403 when the token is
 * genuine but does not entitle the caller to a workspace connection. {@link #reason()} is a stable,
 * machine-readable code for logs and metrics; {@link #getMessage()} is for humans and never contains
 * the token itself.
 */
public final class AuthenticationException extends Exception {

    public static final String TOKEN_MISSING = "token_missing";
    public static final String TOKEN_MALFORMED = "token_malformed";
    /** Longer than 8 KB: refused without being decoded. */
    public static final String TOKEN_TOO_LARGE = "token_too_large";
    public static final String SIGNATURE_INVALID = "signature_invalid";
    public static final String ALGORITHM_NOT_ALLOWED = "algorithm_not_allowed";
    public static final String TOKEN_EXPIRED = "token_expired";
    public static final String TOKEN_NOT_YET_VALID = "token_not_yet_valid";
    public static final String ISSUER_INVALID = "issuer_invalid";
    public static final String AUDIENCE_INVALID = "audience_invalid";
    public static final String CLAIMS_MISSING = "claims_missing";
    public static final String CLAIMS_INVALID = "claims_invalid";
    /** A room token where a connection token belongs, or a token without the room claim where a room token does. */
    public static final String TOKEN_USE_INVALID = "token_use_invalid";
    public static final String FORBIDDEN = "forbidden";
    public static final String KEYS_UNAVAILABLE = "keys_unavailable";
    /** The introspection endpoint said the opaque token is not active (unknown, expired or revoked). */
    public static final String TOKEN_INACTIVE = "token_inactive";
    /** The token could not be checked now (the introspection endpoint timed out, failed or answered garbage). */
    public static final String AUTH_UNAVAILABLE = "auth_unavailable";

    private final int status;
    private final String reason;

    private AuthenticationException(int status, String reason, String message, Throwable cause) {
        // Rejections are routine (bots, stale tabs): skip the stack trace, it would only describe verify().
        super(message, cause, false, false);
        if (status != 401 && status != 403 && status != 503) {
            throw new IllegalArgumentException("status must be 401, 403 or 503, was " + status);
        }
        this.status = status;
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** 401: the caller is not authenticated. */
    public static AuthenticationException unauthorized(String reason, String message) {
        return new AuthenticationException(401, reason, message, null);
    }

    /** 401 with the underlying failure attached (e.g. why the JWKS could not be fetched). */
    public static AuthenticationException unauthorized(String reason, String message, Throwable cause) {
        return new AuthenticationException(401, reason, message, cause);
    }

    /** 403: the caller is authenticated but not allowed in. */
    public static AuthenticationException forbidden(String reason, String message) {
        return new AuthenticationException(403, reason, message, null);
    }

    /** 503: the token could not be checked now; nothing is known about it, and retrying later may succeed. */
    public static AuthenticationException unavailable(String message, Throwable cause) {
        return new AuthenticationException(503, AUTH_UNAVAILABLE, message, cause);
    }

    /** The HTTP status to reject the upgrade with: 401, 403, or 503 when the token could not be checked. */
    public int status() {
        return status;
    }

    /** Machine-readable reason, one of the constants of this class. */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return "AuthenticationException[" + status + " " + reason + ": " + getMessage() + "]";
    }
}
