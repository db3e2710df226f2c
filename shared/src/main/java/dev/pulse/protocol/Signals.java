package dev.pulse.protocol;

import java.util.List;

/**
 * Event names Pulse itself sends to clients (ephemeral signals, PROTOCOL.md §4.8–4.9, §10.6): an application's events
 * must not use them, or clients could not tell the two apart.
 */
public final class Signals {
    /** A presence room's net changes of one window, to every member (PROTOCOL.md §4.9). */
    public static final String PRESENCE_DIFF = "presence.diff";
    /**
     * The per-user signals of protocol v1 before presence.diff: no longer sent, still reserved (clients built on them
     * derive them from each diff, and an app event of that name would confuse them).
     */
    public static final String PRESENCE_JOIN = "presence.join";
    public static final String PRESENCE_LEAVE = "presence.leave";
    public static final String PRESENCE_UPDATE = "presence.update";
    public static final String TYPING_START = "typing.start";
    public static final String TYPING_STOP = "typing.stop";
    /** The app added this connection to a room (a {@code room.join} control command). */
    public static final String ROOM_JOINED = "room.joined";
    /** The app removed this connection from a room (a {@code room.remove} control command): access was withdrawn. */
    public static final String ROOM_REMOVED = "room.removed";

    public static final List<String> ALL = List.of(PRESENCE_DIFF, PRESENCE_JOIN, PRESENCE_LEAVE, PRESENCE_UPDATE, TYPING_START, TYPING_STOP,
            ROOM_JOINED, ROOM_REMOVED);

    private Signals() {
    }
}
