package dev.pulse.room;

import dev.pulse.model.Room;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.model.Connection;
import dev.pulse.delivery.DeliveryReport;
import dev.pulse.delivery.FanOut;
import dev.pulse.model.EventEnvelope;
import dev.pulse.envelope.EventIdGenerator;
import dev.pulse.model.Targets;
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

    /** Logged like a published event (positions, replay by sync.request). @return the event id and its position */
    public DeliveryReport toOthers(Connection sender, Room room, String event, String correlationId, JsonNode data) {
        return fanOut.deliver(envelope(ids.next(), sender, room, event, correlationId, data));
    }

    /** Not logged: a passing signal (typing) that a reconnecting client must not replay. @return the event id */
    public String signalToOthers(Connection sender, Room room, String event, String correlationId, JsonNode data) {
        String eventId = ids.next();
        fanOut.deliverEphemeral(envelope(eventId, sender, room, event, correlationId, data));
        return eventId;
    }

    private EventEnvelope envelope(String eventId, Connection sender, Room room, String event, String correlationId,
                                   JsonNode data) {
        return new EventEnvelope(eventId, event, room.workspaceId(), new Targets(false, List.of(), List.of(room.name())),
                sender.connectionId(), correlationId == null ? eventId : correlationId, clock.instant(), data);
    }
}
