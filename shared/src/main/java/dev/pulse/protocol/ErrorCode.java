package dev.pulse.protocol;

/** Machine-readable error codes of wire protocol v1; the wire form is {@link #wire()}. */
public enum ErrorCode {
    /** The frame is not JSON, or not a JSON object. */
    MALFORMED_FRAME("malformed_frame"),
    /** A field is missing or has the wrong type or value. */
    INVALID_FRAME("invalid_frame"),
    /** No action of that name. */
    UNKNOWN_ACTION("unknown_action"),
    /** The room name is not of the form {@code namespace:id}. */
    INVALID_ROOM("invalid_room"),
    /** The connection may not do this (e.g. join another user's or workspace's room). */
    FORBIDDEN("forbidden"),
    /** The app's access hook could not be asked (timeout, error, garbage): access is refused; retry later. */
    ACCESS_UNAVAILABLE("access_unavailable"),
    /** The frame exceeds the size limit. */
    FRAME_TOO_LARGE("frame_too_large"),
    /** The connection's token has lapsed; only {@code auth.refresh} is accepted, and the server closes the connection. */
    TOKEN_EXPIRED("token_expired"),
    /** The token given to {@code auth.refresh} is missing, malformed, badly signed or expired. */
    TOKEN_INVALID("token_invalid"),
    /** Too many requests of this kind on this connection; retry after {@code retryAfterMs}. */
    RATE_LIMITED("rate_limited"),
    /** Something failed on our side; the request may be retried. */
    INTERNAL_ERROR("internal_error");

    private final String wire;

    ErrorCode(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
