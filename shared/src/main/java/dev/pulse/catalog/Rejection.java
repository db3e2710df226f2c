package dev.pulse.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulse.protocol.Json;
import java.util.List;
import java.util.Locale;

/**
 * An event the fan-out refused: it reaches no client and goes to the dead-letter path instead.
 *
 * @param reason        why, as a stable code
 * @param message       what is wrong, for people
 * @param violations    the payload's schema violations (empty unless {@link Reason#INVALID_PAYLOAD} or unknown)
 * @param eventId       the EventBridge event id ({@code id}), or empty
 * @param source        the EventBridge {@code source}, or empty
 * @param detailType    the event name ({@code detail-type}), or empty
 * @param correlationId the event's correlation id where it has one, else its event id
 * @param event         the event as delivered to the fan-out, for inspection and replay
 */
public record Rejection(Reason reason, String message, List<Violation> violations, String eventId, String source,
                        String detailType, String correlationId, JsonNode event) {

    public enum Reason {
        /** The detail claims the Pulse envelope but breaks its rules (or the event is not an EventBridge event). */
        INVALID_ENVELOPE,
        /** The catalog is strict and does not declare this event name. */
        UNKNOWN_EVENT,
        /** The payload does not match the event's schema. */
        INVALID_PAYLOAD,
        /** A domain event no route takes, or a route cannot build rooms from its payload. */
        UNROUTABLE;

        /** e.g. {@code invalid_payload}. */
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Rejection {
        violations = List.copyOf(violations);
    }

    /**
     * The dead-letter record: {@code {"rejected":"invalid_payload","message":…,"violations":[{"path":…,"message":…}],
     * "eventId":…,"source":…,"detailType":…,"correlationId":…,"event":{…}}}.
     */
    public ObjectNode toJson() {
        ObjectNode json = Json.object();
        json.put("rejected", reason.code());
        json.put("message", message);
        ArrayNode list = json.putArray("violations");
        violations.forEach(v -> list.addObject().put("path", v.path()).put("message", v.message()));
        json.put("eventId", eventId);
        json.put("source", source);
        json.put("detailType", detailType);
        json.put("correlationId", correlationId);
        json.set("event", event);
        return json;
    }
}
