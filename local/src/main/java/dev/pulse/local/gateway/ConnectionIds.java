package dev.pulse.local.gateway;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Identifiers shaped like API Gateway's: 11 random bytes in standard base64, e.g. {@code R0oXAdfD0kwCH6w=}.
 * They end in '=' and may contain '+' and '/', which is exactly what trips up code that forgets to
 * percent-encode the id in the {@code @connections} path.
 */
final class ConnectionIds {
    private static final int BYTES = 11;
    private static final Base64.Encoder ENCODER = Base64.getEncoder();

    private ConnectionIds() {
    }

    /** Connection ids are capabilities for {@code @connections}, so they come from a secure source. */
    static Supplier<String> secure() {
        SecureRandom random = new SecureRandom();
        return () -> {
            byte[] bytes = new byte[BYTES];
            random.nextBytes(bytes);
            return ENCODER.encodeToString(bytes);
        };
    }

    /** Request and message ids only need to be unique, and are minted several times per frame. */
    static String requestId() {
        byte[] bytes = new byte[BYTES];
        ThreadLocalRandom.current().nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }
}
