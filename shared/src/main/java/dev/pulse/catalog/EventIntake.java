package dev.pulse.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.envelope.ControlCodec;
import dev.pulse.envelope.EnvelopeCodec;
import dev.pulse.envelope.InvalidEnvelopeException;
import dev.pulse.model.EventEnvelope;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * Decides what the fan-out does with one event as EventBridge delivers it, before anything is logged or posted:
 * <ul>
 *   <li>an event whose detail carries the Pulse envelope is read by {@link EnvelopeCodec}, and with a catalog its
 *       {@code data} must validate against the event's schema (explicit targets keep working unchanged);</li>
 *   <li>a domain event without an envelope is validated against the catalog and delivered by its routes: the
 *       workspace and rooms come from the payload, the event id is the EventBridge id (so redeliveries stay
 *       idempotent), {@code data} is the whole detail, the time is the EventBridge time.</li>
 * </ul>
 * Anything else is refused with a {@link Rejection}: it must never reach a client.
 */
public final class EventIntake {
    private final EventCatalog catalog;

    /** @param catalog the catalog to validate and route with; null: envelopes only, no validation */
    public EventIntake(EventCatalog catalog) {
        this.catalog = catalog;
    }

    public Optional<EventCatalog> catalog() {
        return Optional.ofNullable(catalog);
    }

    public Admission admit(JsonNode event) {
        if (event == null || !event.isObject()) {
            return reject(Rejection.Reason.INVALID_ENVELOPE, "event must be a JSON object", List.of(), event, "", null);
        }
        JsonNode detail = event.get("detail");
        if (ControlCodec.isControl(detail)) {
            try {
                return new Admission.Control(ControlCodec.fromDetail(detail));
            } catch (InvalidEnvelopeException e) {
                return reject(Rejection.Reason.INVALID_ENVELOPE, e.getMessage(), List.of(), event,
                        text(event, "detail-type"), text(detail, "eventId"));
            }
        }
        if (detail != null && detail.isObject() && detail.has("envelope")) {
            return enveloped(event, detail);
        }
        return routed(event, detail);
    }

    private Admission enveloped(JsonNode event, JsonNode detail) {
        EventEnvelope envelope;
        try {
            envelope = EnvelopeCodec.fromEventBridgeEvent(event);
        } catch (InvalidEnvelopeException e) {
            String correlation = text(detail, "correlationId");
            return reject(Rejection.Reason.INVALID_ENVELOPE, e.getMessage(), List.of(), event,
                    text(event, "detail-type"), correlation != null ? correlation : text(detail, "eventId"));
        }
        if (catalog != null) {
            List<Violation> violations = catalog.check(envelope.event(), envelope.data());
            if (!violations.isEmpty()) {
                return refusePayload(envelope.event(), violations, event, envelope.correlationId());
            }
        }
        return new Admission.Deliver(envelope, null);
    }

    private Admission routed(JsonNode event, JsonNode detail) {
        String name = text(event, "detail-type");
        String source = text(event, "source");
        String eventId = text(event, "id");
        if (catalog == null) {
            return reject(Rejection.Reason.UNROUTABLE, "the detail has no Pulse envelope and no catalog with routes is "
                    + "configured (PULSE_CATALOG)", List.of(), event, name, eventId);
        }
        if (detail == null || !detail.isObject() || name == null || eventId == null) {
            return reject(Rejection.Reason.INVALID_ENVELOPE, "not an EventBridge event: needs id, detail-type and an "
                    + "object detail", List.of(), event, name, eventId);
        }
        String correlation = correlationOf(source, name, detail, eventId);
        List<Violation> violations = catalog.check(name, detail);
        if (!violations.isEmpty()) {
            return refusePayload(name, violations, event, correlation);
        }
        Optional<Routing> routing;
        try {
            routing = catalog.route(source, name, detail);
        } catch (RoutingException e) {
            return reject(Rejection.Reason.UNROUTABLE, e.getMessage(), List.of(), event, name, correlation);
        }
        if (routing.isEmpty()) {
            return reject(Rejection.Reason.UNROUTABLE, "no route of catalog " + catalog.app() + " takes source " + source
                    + " and detail-type " + name, List.of(), event, name, correlation);
        }
        Instant time;
        try {
            time = Instant.parse(String.valueOf(text(event, "time")));
        } catch (DateTimeParseException e) {
            return reject(Rejection.Reason.INVALID_ENVELOPE, "time is not an ISO-8601 timestamp: " + text(event, "time"),
                    List.of(), event, name, correlation);
        }
        Routing to = routing.get();
        var envelope = new EventEnvelope(eventId, name, to.workspaceId(), to.targets(), null,
                to.correlationId() != null ? to.correlationId() : eventId, time, detail);
        try {
            EnvelopeCodec.validate(envelope);
        } catch (InvalidEnvelopeException e) {
            return reject(Rejection.Reason.UNROUTABLE, "routed event breaks the envelope rules: " + e.getMessage(),
                    List.of(), event, name, correlation);
        }
        return new Admission.Deliver(envelope, to);
    }

    private Admission refusePayload(String name, List<Violation> violations, JsonNode event, String correlation) {
        boolean unknown = !catalog.declares(name);
        return reject(unknown ? Rejection.Reason.UNKNOWN_EVENT : Rejection.Reason.INVALID_PAYLOAD,
                new InvalidEventException(name, violations).getMessage(), violations, event, name, correlation);
    }

    /** The correlation id the matching routes name, if the payload has one; else the event id. */
    private String correlationOf(String source, String name, JsonNode detail, String eventId) {
        for (Route route : catalog.routesFor(source, name)) {
            if (route.correlationId() != null) {
                JsonNode value = route.correlationId().read(detail);
                if (value != null && value.isTextual() && !value.asText().isBlank()) {
                    return value.asText();
                }
            }
        }
        return eventId;
    }

    private static Admission reject(Rejection.Reason reason, String message, List<Violation> violations, JsonNode event,
                                    String name, String correlationId) {
        String eventId = text(event, "id");
        String id = correlationId != null ? correlationId : eventId;
        return new Admission.Reject(new Rejection(reason, message, violations, eventId == null ? "" : eventId,
                orEmpty(text(event, "source")), orEmpty(name), id == null ? "" : id, event));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value != null && value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
