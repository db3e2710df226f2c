package dev.pulse.auth;

import dev.pulse.model.Identity;

/**
 * Turns the token a client presents (at connect, in {@code auth.refresh}, to the polling endpoint) into who it is:
 * a JWT checked with the deployment's keys ({@link TokenVerifier}), or an opaque session token the app's session
 * store vouches for ({@link IntrospectionAuthenticator}), or whichever of the two the token's shape says
 * ({@link #either}).
 */
@FunctionalInterface
public interface Authenticator {
    /** @throws AuthenticationException 401/403 when the token is not acceptable, 503 when it cannot be checked now */
    Identity authenticate(String token) throws AuthenticationException;

    /**
     * JWTs (three dot-separated parts) to {@code jwt}, anything else to {@code opaque}; either may be null (then its
     * tokens go to the other, which refuses them with its own reason).
     */
    static Authenticator either(Authenticator jwt, Authenticator opaque) {
        if (jwt == null || opaque == null) {
            return jwt != null ? jwt : opaque;
        }
        return token -> looksLikeJwt(token) ? jwt.authenticate(token) : opaque.authenticate(token);
    }

    private static boolean looksLikeJwt(String token) {
        if (token == null) {
            return false;
        }
        String t = token.strip();
        int first = t.indexOf('.');
        int second = first < 0 ? -1 : t.indexOf('.', first + 1);
        return first > 0 && second > first + 1 && t.indexOf('.', second + 1) < 0 && second < t.length() - 1;
    }
}
