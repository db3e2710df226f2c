package dev.pulse.delivery;

/** Closes a connection from the server side (API Gateway's {@code @connections} DELETE). */
@FunctionalInterface
public interface ConnectionCloser {
    /** Closing a connection that is already gone is not an error. */
    void close(String connectionId);
}
