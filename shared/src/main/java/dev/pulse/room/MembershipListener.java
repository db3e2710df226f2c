package dev.pulse.room;

import dev.pulse.model.ClosedConnection;
import dev.pulse.model.Connection;
import dev.pulse.model.Room;
import org.slf4j.LoggerFactory;

/** Told when a connection enters or leaves a room, by any path (connect, join, leave, disconnect, prune). */
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

    /**
     * A connection closed without its {@code $disconnect} (pruned after a 410): it left every room it was in. Best
     * effort per room: the delivery that found it gone is not failed for this.
     */
    default void closed(ClosedConnection closed) {
        if (closed.connection() == null) {
            return;
        }
        for (Room room : closed.rooms()) {
            try {
                left(closed.connection(), room);
            } catch (RuntimeException e) {
                LoggerFactory.getLogger(MembershipListener.class).warn("listener failed for pruned connection {} in {}",
                        closed.connection().connectionId(), room.name(), e);
            }
        }
    }
}
