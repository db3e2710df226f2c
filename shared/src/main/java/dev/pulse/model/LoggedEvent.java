package dev.pulse.model;

import java.time.Instant;

/**
 * One event as stored in one room's log.
 *
 * @param room     the room whose stream it is in
 * @param position its place there (seq from 1, no gaps within an epoch)
 * @param content  the event as it was logged, payload still serialised
 */
public record LoggedEvent(Room room, Position position, EventContent content) {
    public long seq() {
        return position.seq();
    }

    public String epoch() {
        return position.epoch();
    }

    public String eventId() {
        return content.eventId();
    }

    public String event() {
        return content.event();
    }

    public Instant publishedAt() {
        return content.publishedAt();
    }

    public String correlationId() {
        return content.correlationId();
    }

    /** The payload as JSON text. */
    public String dataJson() {
        return content.dataJson();
    }
}
