package dev.pulse.action;

import dev.pulse.protocol.ErrorCode;
import java.time.Duration;

/** A request that cannot be carried out; becomes an error reply, and the connection stays open. */
public final class ActionException extends Exception {
    private final ErrorCode code;
    private final Duration retryAfter;

    public ActionException(ErrorCode code, String message) {
        this(code, message, null);
    }

    /** @param retryAfter when the request may succeed again (rate limits), or null */
    public ActionException(ErrorCode code, String message, Duration retryAfter) {
        super(message);
        this.code = code;
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    public ErrorCode code() {
        return code;
    }
}
