package dev.pulse.protocol;

import java.util.Objects;

/**
 * A client frame that the protocol rejects. It carries what the answer needs: the error code, a message for
 * people, and the request id to reply to (null when the frame had no usable id, so the answer is an
 * {@code error} frame rather than a {@code reply}). The connection stays open after it.
 */
public final class ProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final String requestId;

    public ProtocolException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public ProtocolException(ErrorCode code, String message, String requestId) {
        // No stack trace: this is an expected answer to bad input, not a fault, and some clients send a lot of it.
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.code = Objects.requireNonNull(code, "code");
        this.requestId = requestId;
    }

    public ErrorCode code() {
        return code;
    }

    /** The id of the failed request, or null when the frame had none (or an unusable one). */
    public String requestId() {
        return requestId;
    }

    /** The frame to send back: a failed {@code reply} when the request id is known, else an {@code error}. */
    public String toFrame() {
        return ServerFrames.failure(requestId, code, getMessage());
    }
}
