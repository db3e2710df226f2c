package dev.pulse.room;

import dev.pulse.model.Identity;
import dev.pulse.model.Room;
import java.util.Optional;

/**
 * Decides whether an authenticated identity may join a room (on connect for automatic rooms, and on
 * {@code room.join}). Handlers take one in their constructor, so an application can replace
 * {@link DefaultRoomPolicy} with its own rules, e.g. checking chat membership in its database.
 */
@FunctionalInterface
public interface RoomPolicy {

    /**
     * @return empty if {@code who} may join {@code room}; otherwise a human-readable reason, safe to show
     *         the client (it must not reveal anything the client could not already know)
     */
    Optional<String> denial(Identity who, Room room);
}
