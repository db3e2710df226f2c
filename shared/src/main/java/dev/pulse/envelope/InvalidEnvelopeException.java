package dev.pulse.envelope;

/** An event that does not follow the Pulse envelope; {@link #field()} names the first offending field. */
public final class InvalidEnvelopeException extends Exception {
    private final String field;

    public InvalidEnvelopeException(String field, String problem) {
        super("invalid envelope field '" + field + "': " + problem);
        this.field = field;
    }

    /** The offending field, as a path into the event, e.g. {@code eventId} or {@code targets.rooms[1]}. */
    public String field() {
        return field;
    }
}
