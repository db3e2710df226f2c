package dev.pulse.envelope;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulse.model.EventEnvelope;
import dev.pulse.model.Room;
import dev.pulse.model.Targets;
import dev.pulse.protocol.Json;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the Pulse envelope into an EventBridge {@code Detail} and reads it back from the event EventBridge
 * hands to a target. The detail is
 * <pre>{"envelope":"pulse.v1","eventId":"…","workspaceId":"w1",
 *  "targets":{"workspace":true,"users":["u1"],"rooms":["chat:42"]},
 *  "exceptConnectionId":"…" (omitted when null),"correlationId":"…","publishedAt":"2026-01-02T03:04:05.678Z",
 *  "data":&lt;any JSON&gt;}</pre>
 * and the event name travels as the EventBridge {@code detail-type}. Both directions apply the same rules
 * ({@link #validate}), so whatever a publisher can send, the fan-out can read.
 */
public final class EnvelopeCodec {
    public static final int MAX_EVENT_ID_LENGTH = 128;
    /** EventBridge's own limit on {@code DetailType}. */
    public static final int MAX_EVENT_NAME_LENGTH = 128;
    public static final int MAX_CORRELATION_ID_LENGTH = 256;

    private EnvelopeCodec() {
    }

    /**
     * The {@code Detail} string for an envelope.
     *
     * @throws IllegalArgumentException if the envelope breaks a rule of {@link #validate}; the cause names the field
     */
    public static String toDetail(EventEnvelope e) {
        try {
            validate(e);
        } catch (InvalidEnvelopeException invalid) {
            throw new IllegalArgumentException(invalid.getMessage(), invalid);
        }
        ObjectNode detail = Json.object();
        detail.put("envelope", FanOutRule.ENVELOPE_VERSION);
        detail.put("eventId", e.eventId());
        detail.put("workspaceId", e.workspaceId());
        ObjectNode targets = detail.putObject("targets");
        targets.put("workspace", e.targets().workspace());
        e.targets().users().forEach(targets.putArray("users")::add);
        e.targets().rooms().forEach(targets.putArray("rooms")::add);
        if (e.exceptConnectionId() != null) {
            detail.put("exceptConnectionId", e.exceptConnectionId());
        }
        if (e.correlationId() != null) {
            detail.put("correlationId", e.correlationId());
        }
        detail.put("publishedAt", e.publishedAt().toString());
        detail.set("data", e.data() == null ? NullNode.instance : e.data());
        try {
            return Json.MAPPER.writeValueAsString(detail);
        } catch (JsonProcessingException impossible) {
            throw new UncheckedIOException(impossible);
        }
    }

    /** Parses the event JSON text EventBridge delivers, then reads it as {@link #fromEventBridgeEvent(JsonNode)}. */
    public static EventEnvelope fromEventBridgeEvent(String eventJson) throws InvalidEnvelopeException {
        if (eventJson == null) {
            throw new InvalidEnvelopeException("event", "missing");
        }
        JsonNode event;
        try {
            event = Json.MAPPER.readTree(eventJson);
        } catch (JsonProcessingException e) {
            throw new InvalidEnvelopeException("event", "not JSON: " + e.getOriginalMessage());
        }
        return fromEventBridgeEvent(event);
    }

    /**
     * Reads the envelope from an event as EventBridge delivers it to a target:
     * {@code {"version":"0","id":…,"detail-type":<event name>,"source":…,"time":…,"detail":{…envelope…}}}.
     * A missing {@code correlationId} defaults to the event id (the event is its own causal root); a missing
     * {@code publishedAt} defaults to the EventBridge {@code time}. Unknown detail fields are ignored so newer
     * publishers can add fields.
     *
     * @throws InvalidEnvelopeException naming the first field that breaks the envelope rules
     */
    public static EventEnvelope fromEventBridgeEvent(JsonNode event) throws InvalidEnvelopeException {
        if (event == null || !event.isObject()) {
            throw new InvalidEnvelopeException("event", "must be a JSON object");
        }
        String name = requiredText(event, "detail-type", "detail-type");
        JsonNode detail = event.get("detail");
        if (detail == null || !detail.isObject()) {
            throw new InvalidEnvelopeException("detail", "must be a JSON object");
        }
        JsonNode marker = detail.get("envelope");
        if (marker == null || !marker.isTextual() || !FanOutRule.ENVELOPE_VERSION.equals(marker.asText())) {
            throw new InvalidEnvelopeException("envelope", "must be \"" + FanOutRule.ENVELOPE_VERSION + "\"");
        }
        String eventId = requiredText(detail, "eventId", "eventId");
        String workspaceId = requiredText(detail, "workspaceId", "workspaceId");
        Targets targets = targets(detail.get("targets"));
        String except = optionalText(detail, "exceptConnectionId");
        String correlationId = optionalText(detail, "correlationId");
        Instant publishedAt = publishedAt(detail, event);
        // Optional (PROTOCOL §10.2, the detail schema): an absent payload is delivered as JSON null.
        JsonNode data = detail.has("data") ? detail.get("data") : NullNode.instance;
        EventEnvelope envelope = new EventEnvelope(eventId, name, workspaceId, targets, except,
                correlationId == null ? eventId : correlationId, publishedAt, data);
        validate(envelope);
        return envelope;
    }

    /** The rules every envelope obeys, on both the publishing and the receiving side. */
    public static void validate(EventEnvelope e) throws InvalidEnvelopeException {
        if (e == null) {
            throw new InvalidEnvelopeException("envelope", "missing");
        }
        requireLength("eventId", e.eventId(), MAX_EVENT_ID_LENGTH);
        requireLength("detail-type", e.event(), MAX_EVENT_NAME_LENGTH);
        if (isBlank(e.workspaceId())) {
            throw new InvalidEnvelopeException("workspaceId", "must be a non-empty string");
        }
        // The workspace must be addressable as a room, or the fan-out could never reach it.
        if (!Room.isValidName("workspace:" + e.workspaceId())) {
            throw new InvalidEnvelopeException("workspaceId", "not a valid id: " + e.workspaceId());
        }
        if (e.targets() == null || e.targets().isEmpty()) {
            throw new InvalidEnvelopeException("targets", "must name the workspace, a user or a room");
        }
        List<String> users = e.targets().users();
        for (int i = 0; i < users.size(); i++) {
            String user = users.get(i);
            if (isBlank(user)) {
                throw new InvalidEnvelopeException("targets.users[" + i + "]", "must be a non-empty string");
            }
            if (!Room.isValidName("user:" + user)) {
                throw new InvalidEnvelopeException("targets.users[" + i + "]", "not a valid user id: " + user);
            }
        }
        List<String> rooms = e.targets().rooms();
        for (int i = 0; i < rooms.size(); i++) {
            if (!Room.isValidName(rooms.get(i))) {
                throw new InvalidEnvelopeException("targets.rooms[" + i + "]", "not a valid room name: " + rooms.get(i));
            }
        }
        if (e.exceptConnectionId() != null && isBlank(e.exceptConnectionId())) {
            throw new InvalidEnvelopeException("exceptConnectionId", "must be non-empty when present");
        }
        if (e.correlationId() != null) {
            requireLength("correlationId", e.correlationId(), MAX_CORRELATION_ID_LENGTH);
        }
        if (e.publishedAt() == null) {
            throw new InvalidEnvelopeException("publishedAt", "missing");
        }
    }

    private static Targets targets(JsonNode node) throws InvalidEnvelopeException {
        if (node == null || !node.isObject()) {
            throw new InvalidEnvelopeException("targets", "must be a JSON object");
        }
        JsonNode workspace = node.get("workspace");
        if (workspace != null && !workspace.isNull() && !workspace.isBoolean()) {
            throw new InvalidEnvelopeException("targets.workspace", "must be true or false");
        }
        return new Targets(workspace != null && workspace.asBoolean(),
                stringList(node, "users"), stringList(node, "rooms"));
    }

    private static List<String> stringList(JsonNode targets, String field) throws InvalidEnvelopeException {
        JsonNode node = targets.get(field);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new InvalidEnvelopeException("targets." + field, "must be an array of strings");
        }
        List<String> values = new ArrayList<>(node.size());
        ArrayNode array = (ArrayNode) node;
        for (int i = 0; i < array.size(); i++) {
            JsonNode value = array.get(i);
            if (!value.isTextual() || value.asText().isBlank()) {
                throw new InvalidEnvelopeException("targets." + field + "[" + i + "]", "must be a non-empty string");
            }
            values.add(value.asText());
        }
        return values;
    }

    private static Instant publishedAt(JsonNode detail, JsonNode event) throws InvalidEnvelopeException {
        JsonNode published = detail.get("publishedAt");
        if (published != null && !published.isNull()) {
            if (!published.isTextual()) {
                throw new InvalidEnvelopeException("publishedAt", "must be an ISO-8601 timestamp string");
            }
            return instant("publishedAt", published.asText());
        }
        JsonNode time = event.get("time");
        if (time != null && time.isTextual()) {
            return instant("time", time.asText());
        }
        throw new InvalidEnvelopeException("publishedAt", "missing");
    }

    private static Instant instant(String field, String text) throws InvalidEnvelopeException {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidEnvelopeException(field, "not an ISO-8601 timestamp: " + text);
        }
    }

    private static String requiredText(JsonNode node, String name, String field) throws InvalidEnvelopeException {
        JsonNode value = node.get(name);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new InvalidEnvelopeException(field, "must be a non-empty string");
        }
        return value.asText();
    }

    private static String optionalText(JsonNode node, String name) throws InvalidEnvelopeException {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidEnvelopeException(name, "must be a string");
        }
        return value.asText();
    }

    private static void requireLength(String field, String value, int max) throws InvalidEnvelopeException {
        if (isBlank(value)) {
            throw new InvalidEnvelopeException(field, "must be a non-empty string");
        }
        if (value.length() > max) {
            throw new InvalidEnvelopeException(field, "longer than " + max + " characters");
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
