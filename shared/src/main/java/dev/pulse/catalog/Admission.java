package dev.pulse.catalog;

import dev.pulse.model.ControlCommand;
import dev.pulse.model.EventEnvelope;

/** The fan-out's decision on one EventBridge event: deliver this envelope, run this command, or refuse the event. */
public sealed interface Admission {
    /**
     * @param envelope what to deliver
     * @param routing  how a routed domain event found its rooms; null for an event that carried its own envelope
     */
    record Deliver(EventEnvelope envelope, Routing routing) implements Admission {
    }

    /** A control command of the app (PROTOCOL §10.6). */
    record Control(ControlCommand command) implements Admission {
    }

    record Reject(Rejection rejection) implements Admission {
    }
}
