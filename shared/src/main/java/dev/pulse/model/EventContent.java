package dev.pulse.model;

import java.time.Instant;
import java.util.Objects;

/**
 * What every recipient of one event gets, whichever room it reaches them through: the event's identity and its
 * payload, already serialised. The payload is written to JSON text once per event and spliced as it is into the
 * log item and into every frame, never rendered again per room or per user.
 *
 * @param eventId       unique id (the idempotency key)
 * @param event         the event name, unchanged
 * @param publishedAt   when it was published
 * @param correlationId ties it to the request that caused it; may be null
 * @param dataJson      the payload as JSON text ({@code null} for none)
 */
public record EventContent(String eventId, String event, Instant publishedAt, String correlationId, String dataJson) {
    public EventContent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(publishedAt, "publishedAt");
        dataJson = dataJson == null ? "null" : dataJson;
    }
}
