package dev.pulse.room;

import java.util.Arrays;
import java.util.Locale;

/** How the rooms of one namespace are protected (PROTOCOL §5.1). */
public enum AccessMode {
    /** Any connection of the workspace (v1's behaviour). */
    OPEN("open"),
    /** The connection's token lists the room, exactly or by pattern: checked with no I/O. */
    GRANT("grant"),
    /** {@code room.join} carries a short-lived token the app's backend signed for that room and user. */
    ROOM_TOKEN("room-token"),
    /** The app's access hook is asked (and its answer cached for a TTL); it fails closed. */
    HOOK("hook");

    private final String wire;

    AccessMode(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static AccessMode parse(String text) {
        String wanted = text.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(m -> m.wire.equals(wanted)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("access mode must be one of open, grant, room-token, hook; got '" + text + "'"));
    }
}
