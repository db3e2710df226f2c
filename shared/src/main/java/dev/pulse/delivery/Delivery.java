package dev.pulse.delivery;

import dev.pulse.model.EventContent;
import dev.pulse.model.Position;
import dev.pulse.model.Room;
import java.util.List;
import java.util.Objects;

/**
 * One event to hand to the connections of some rooms, everything already decided: the rooms are resolved, the
 * positions (if the event was logged) come from the log's append, the payload is serialised.
 *
 * @param rooms              the target rooms, without repeats; a connection in several gets one frame
 * @param positions          the event's position in each room, in the same order; empty for an unlogged signal
 * @param content            what every recipient gets
 * @param exceptConnectionId a connection not to deliver to (usually the sender's), or null
 */
public record Delivery(List<Room> rooms, List<Position> positions, EventContent content, String exceptConnectionId) {
    public Delivery {
        rooms = List.copyOf(rooms);
        positions = List.copyOf(positions);
        Objects.requireNonNull(content, "content");
        if (!positions.isEmpty() && positions.size() != rooms.size()) {
            throw new IllegalArgumentException("one position per room: " + rooms.size() + " rooms, " + positions.size() + " positions");
        }
    }

    public boolean logged() {
        return !positions.isEmpty();
    }
}
