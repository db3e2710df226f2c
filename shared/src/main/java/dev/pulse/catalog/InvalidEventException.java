package dev.pulse.catalog;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A payload that does not match its event's schema in the catalog, or an event the catalog does not declare
 * while it is strict. The message names the event and every failing JSON path, e.g.
 * {@code event approval.created: $.status: does not have a value in the enumeration [...]}.
 * An {@link IllegalArgumentException}, like the publisher's other refusals of a bad event.
 */
public final class InvalidEventException extends IllegalArgumentException {
    private final String event;
    private final List<Violation> violations;

    public InvalidEventException(String event, List<Violation> violations) {
        super("event " + event + ": " + violations.stream().map(Violation::toString).collect(Collectors.joining("; ")));
        this.event = event;
        this.violations = List.copyOf(violations);
    }

    /** The event name (detail-type). */
    public String event() {
        return event;
    }

    /** Every failure, in the validator's order; never empty. */
    public List<Violation> violations() {
        return violations;
    }
}
