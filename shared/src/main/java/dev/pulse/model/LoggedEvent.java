package dev.pulse.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One event as stored in one room's log.
 *
 * @param room          the room whose stream it is in
 * @param seq           its sequence number in that room (from 1, no gaps within an epoch)
 * @param epoch         the stream epoch
 * @param eventId       the publisher's event id
 * @param event         the event name
 * @param publishedAt   when it was published
 * @param correlationId may be null
 * @param data          the payload (JSON null when none)
 */
public record LoggedEvent(Room room, long seq, String epoch, String eventId, String event, Instant publishedAt,
                          String correlationId, JsonNode data) {
    public Position position() {
        return new Position(seq, epoch);
    }
}
