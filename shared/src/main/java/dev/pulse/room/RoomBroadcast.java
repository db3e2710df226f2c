package dev.pulse.room;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.delivery.Broadcast;
import dev.pulse.delivery.DeliveryReport;
import dev.pulse.envelope.EventIdGenerator;
import dev.pulse.model.Connection;
import dev.pulse.model.EventContent;
import dev.pulse.model.Room;
import java.time.Clock;
import java.util.List;

/**
 * Events that clients cause in their rooms (typing, client events, presence signals): delivered straight from
 * {@code $default} through the same {@link Broadcast} as published events, never back to the sending connection.
 * The report's pruned connections are the caller's to hand to its {@link MembershipListener}.
 */
public final class RoomBroadcast {
    private final Broadcast broadcast;
    private final EventIdGenerator ids;
    private final Clock clock;

    public RoomBroadcast(Broadcast broadcast, Clock clock) {
        this.broadcast = broadcast;
        this.ids = new EventIdGenerator(clock);
        this.clock = clock;
    }

    /** Logged like a published event (positions, replay by sync.request). */
    public DeliveryReport toOthers(Connection sender, Room room, String event, String correlationId, JsonNode data) {
        return broadcast.logged(List.of(room), content(event, correlationId, data), sender.connectionId());
    }

    /** Not logged: a passing signal (typing, presence) that a reconnecting client must not replay. */
    public DeliveryReport signalToOthers(Connection sender, Room room, String event, String correlationId, JsonNode data) {
        return broadcast.ephemeral(List.of(room), content(event, correlationId, data), sender.connectionId());
    }

    /** Not logged, to every connection of the room (a presence.diff: the changers' own devices keep their lists too). */
    public DeliveryReport signalToAll(Room room, String event, JsonNode data) {
        return broadcast.ephemeral(List.of(room), content(event, null, data), null);
    }

    private EventContent content(String event, String correlationId, JsonNode data) {
        String eventId = ids.next();
        return new EventContent(eventId, event, clock.instant(), correlationId == null ? eventId : correlationId,
                data == null ? null : data.toString());
    }
}
