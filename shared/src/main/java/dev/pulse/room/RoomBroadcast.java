package dev.pulse.room;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.connection.Connection;
import dev.pulse.delivery.FanOut;
import dev.pulse.publish.EventEnvelope;
import dev.pulse.publish.EventIdGenerator;
import dev.pulse.publish.Targets;
import java.time.Clock;
import java.util.List;

/**
 * Events that clients cause in their rooms (typing, client events): delivered straight from
 * {@code $default} through the same fan-out as published events, never back to the sending connection.
 */
public final class RoomBroadcast {
    private final FanOut fanOut;
    private final EventIdGenerator ids;
    private final Clock clock;

    public RoomBroadcast(FanOut fanOut, Clock clock) {
        this.fanOut = fanOut;
        this.ids = new EventIdGenerator(clock);
        this.clock = clock;
    }

    /** @return the event id */
    public String toOthers(Connection sender, Room room, String event, String correlationId, JsonNode data) {
        String eventId = ids.next();
        fanOut.deliver(new EventEnvelope(eventId, event, room.workspaceId(), new Targets(false, List.of(), List.of(room.name())),
                sender.connectionId(), correlationId == null ? eventId : correlationId, clock.instant(), data));
        return eventId;
    }
}
