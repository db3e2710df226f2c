package dev.pulse.room;

import dev.pulse.model.Identity;
import dev.pulse.model.Room;
import java.time.Duration;

/** The app's answer to "may this identity do this to this room?", for namespaces whose mode is {@code hook}. */
public interface AccessHook {

    /**
     * @param allow  the app's answer
     * @param reason shown to the client when refused (the app's words), or null
     * @param ttl    how long the app says the answer holds, or null for the deployment's default
     */
    record Verdict(boolean allow, String reason, Duration ttl) {
    }

    /** The hook could not answer: it timed out, failed, or said something that is not an answer. Fail closed. */
    final class Unavailable extends Exception {
        public Unavailable(String message) {
            super(message);
        }

        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    Verdict ask(Identity who, Room room, RoomOperation operation) throws Unavailable;
}
