package dev.pulse.delivery;

import dev.pulse.model.Position;
import dev.pulse.model.Room;
import dev.pulse.protocol.ServerFrames;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The frame texts of one event for the connections reached through one room. With positions, a frame also carries
 * the event's positions in the other target rooms the recipient may be in: every non-{@code user:} room, and the
 * recipient's own {@code user:} room (no one else's). So a connection in several target rooms, which gets one
 * frame, can advance every room's position and sees no false gap. Rendered once per room, and once per targeted
 * user when the event targets users; the payload is spliced, never rendered again.
 */
final class EventFrames {
    private final Delivery delivery;
    private final Room room;
    private final Position position;
    private final Map<String, Position> shared = new LinkedHashMap<>();
    private final Map<String, Position> users = new HashMap<>();
    private final Map<String, String> byUser = new HashMap<>();
    private String common;

    EventFrames(Delivery delivery, int roomIndex) {
        this.delivery = delivery;
        this.room = delivery.rooms().get(roomIndex);
        this.position = delivery.logged() ? delivery.positions().get(roomIndex) : null;
        if (position != null) {
            for (int i = 0; i < delivery.rooms().size(); i++) {
                if (i == roomIndex) {
                    continue;
                }
                Room other = delivery.rooms().get(i);
                if ("user".equals(other.namespace())) {
                    users.put(other.id(), delivery.positions().get(i));
                } else {
                    shared.put(other.name(), delivery.positions().get(i));
                }
            }
        }
    }

    String forUser(String userId) {
        Position own = position == null || userId == null ? null : users.get(userId);
        if (own == null) {
            if (common == null) {
                common = ServerFrames.event(delivery.content(), room.name(), position, shared);
            }
            return common;
        }
        return byUser.computeIfAbsent(userId, u -> {
            var others = new LinkedHashMap<>(shared);
            others.put("user:" + u, own);
            return ServerFrames.event(delivery.content(), room.name(), position, others);
        });
    }
}
