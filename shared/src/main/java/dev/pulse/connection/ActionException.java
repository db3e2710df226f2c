package dev.pulse.connection;

import dev.pulse.protocol.ErrorCode;

/** A request that cannot be carried out; becomes an error reply, and the connection stays open. */
public final class ActionException extends Exception {
    private final ErrorCode code;

    public ActionException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
