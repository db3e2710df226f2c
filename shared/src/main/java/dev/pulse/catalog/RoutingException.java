package dev.pulse.catalog;

/**
 * A domain event a route matched but cannot be delivered by: a field a template or the workspace names is missing
 * or of the wrong type in this payload, or the room name it builds is not a valid room name.
 */
public final class RoutingException extends Exception {
    public RoutingException(String message) {
        super(message);
    }
}
