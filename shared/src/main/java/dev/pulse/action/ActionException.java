package dev.pulse.action;

import dev.pulse.protocol.ErrorCode;
import java.time.Duration;

/** A request that cannot be carried out; becomes an error reply, and the connection stays open. */
public final class ActionException extends Exception {
    private final ErrorCode code;
    private final Duration retryAfter;
    private final String reason;

    public ActionException(ErrorCode code, String message) {
        this(code, message, null, null);
    }

    /** @param retryAfter when the request may succeed again (rate limits), or null */
    public ActionException(ErrorCode code, String message, Duration retryAfter) {
        this(code, message, null, retryAfter);
    }

    private ActionException(ErrorCode code, String message, String reason, Duration retryAfter) {
        super(message);
        this.code = code;
        this.reason = reason;
        this.retryAfter = retryAfter;
    }

    /** A refusal with a machine-readable reason ({@code error.reason} on the wire, e.g. {@code not_granted}). */
    public static ActionException withReason(ErrorCode code, String reason, String message) {
        return new ActionException(code, message, reason, null);
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    public ErrorCode code() {
        return code;
    }

    /** The machine-readable reason, or null. */
    public String reason() {
        return reason;
    }
}
