package dev.pulse.auth;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class AuthenticationExceptionTest {

    @Test
    void factoriesSetStatusReasonMessageAndCause() {
        var cause = new IOException("refused");
        var e = AuthenticationException.unauthorized(AuthenticationException.KEYS_UNAVAILABLE, "cannot fetch keys", cause);
        assertEquals(401, e.status());
        assertEquals("keys_unavailable", e.reason());
        assertEquals("cannot fetch keys", e.getMessage());
        assertSame(cause, e.getCause());

        var f = AuthenticationException.forbidden(AuthenticationException.FORBIDDEN, "not a member");
        assertEquals(403, f.status());
        assertEquals("forbidden", f.reason());
        assertEquals("AuthenticationException[403 forbidden: not a member]", f.toString());
    }
}
