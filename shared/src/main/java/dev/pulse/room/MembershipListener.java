package dev.pulse.room;

import dev.pulse.model.Room;
import dev.pulse.model.Connection;

/** Told when a connection enters or leaves a room, by any path (connect, join, leave, disconnect). */
public interface MembershipListener {
    MembershipListener NONE = new MembershipListener() {
        @Override
        public void joined(Connection connection, Room room) {
        }

        @Override
        public void left(Connection connection, Room room) {
        }
    };

    void joined(Connection connection, Room room);

    void left(Connection connection, Room room);
}
