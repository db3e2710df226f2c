package dev.pulse.model;

import java.util.Objects;

/**
 * A user's presence in a room before and after one write; either side is null when the user was (or is)
 * absent. The write and the before state come from one atomic DynamoDB update, so exactly one writer
 * sees a user's first arrival and exactly one sees the last departure.
 */
public record PresenceChange(UserPresence before, UserPresence after) {

    /** The user's first connection arrived. */
    public boolean joined() {
        return before == null && after != null;
    }

    /** The user's last connection went. */
    public boolean left() {
        return before != null && after == null;
    }

    /** Anything a room's members would see changed: arrival, departure, status or device count. */
    public boolean changed() {
        return !Objects.equals(before, after);
    }

    /** Present before and after, with another aggregated status. */
    public boolean statusChanged() {
        return before != null && after != null && !Objects.equals(before.status(), after.status());
    }
}
