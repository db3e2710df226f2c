package dev.pulse.delivery;

/** Sends one text frame to one connection. Implementations must be safe to call from many threads. */
@FunctionalInterface
public interface ConnectionSender {
    SendResult send(String connectionId, String frame);
}
