package dev.pulse.model;

import java.util.Arrays;
import java.util.Collection;
import java.util.Optional;

/** A connection's presence status. Declared from most to least available: a user shows the best of its devices. */
public enum PresenceStatus {
    ONLINE("online"),
    BUSY("busy"),
    AWAY("away");

    private final String wireName;

    PresenceStatus(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<PresenceStatus> parse(String wireName) {
        return Arrays.stream(values()).filter(s -> s.wireName.equals(wireName)).findFirst();
    }

    /** The user's status across devices: the most available one (a phone left idle does not hide an active laptop). */
    public static PresenceStatus aggregate(Collection<PresenceStatus> statuses) {
        return statuses.stream().min(Enum::compareTo).orElse(ONLINE);
    }
}
