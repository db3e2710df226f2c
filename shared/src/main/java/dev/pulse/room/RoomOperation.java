package dev.pulse.room;

/** What a connection wants to do in a room; the access hook is told which. */
public enum RoomOperation {
    /** {@code room.join} */
    JOIN("join"),
    /** {@code room.publish} */
    PUBLISH("publish"),
    /** {@code typing.start} / {@code typing.stop} */
    TYPING("typing"),
    /** {@code presence.list} */
    PRESENCE("presence"),
    /** {@code sync.request} and the polling endpoint: reading the room's history */
    READ("read");

    private final String wire;

    RoomOperation(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
