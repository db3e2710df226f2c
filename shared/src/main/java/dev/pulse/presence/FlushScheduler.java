package dev.pulse.presence;

import dev.pulse.model.Room;
import java.time.Duration;

/**
 * Runs a presence room's flush once its window has passed: on AWS an SQS message sent with a delay to the flush
 * function; locally a timer in the process. Called once per window, by the change that opened it.
 */
public interface FlushScheduler {
    /** @throws RuntimeException when the flush could not be scheduled (the window then reopens after it goes stale) */
    void schedule(Room room, Duration after);
}
