package dev.pulse.envelope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulse.model.ControlCommand;
import dev.pulse.model.Room;
import dev.pulse.protocol.Json;

/**
 * Control commands on EventBridge (PROTOCOL §10.6): the envelope's marker, event id, workspace and correlation id,
 * plus {@code control} (the command), {@code userId} or {@code connectionId}, and {@code room} / {@code reason}.
 * Detail-type {@value #DETAIL_TYPE}. They travel on the fan-out's own rule (the envelope marker matches it).
 */
public final class ControlCodec {
    public static final String DETAIL_TYPE = "pulse.control";
    private static final int MAX_REASON = 200;

    private ControlCodec() {
    }

    /** Whether an EventBridge detail is a control command rather than an event to deliver. */
    public static boolean isControl(JsonNode detail) {
        return detail != null && detail.isObject() && detail.has("control");
    }

    public static String toDetail(ControlCommand command) {
        ObjectNode detail = Json.object();
        detail.put("envelope", FanOutRule.ENVELOPE_VERSION);
        detail.put("control", command.kind().wire());
        detail.put("eventId", command.eventId());
        detail.put("workspaceId", command.workspaceId());
        if (command.userId() != null) {
            detail.put("userId", command.userId());
        }
        if (command.connectionId() != null) {
            detail.put("connectionId", command.connectionId());
        }
        if (command.room() != null) {
            detail.put("room", command.room());
        }
        if (command.reason() != null) {
            detail.put("reason", command.reason());
        }
        if (command.correlationId() != null) {
            detail.put("correlationId", command.correlationId());
        }
        return detail.toString();
    }

    /** @throws InvalidEnvelopeException naming the field that is wrong */
    public static ControlCommand fromDetail(JsonNode detail) throws InvalidEnvelopeException {
        if (!FanOutRule.ENVELOPE_VERSION.equals(text(detail, "envelope"))) {
            throw new InvalidEnvelopeException("envelope", "must be \"" + FanOutRule.ENVELOPE_VERSION + "\"");
        }
        ControlCommand.Kind kind;
        try {
            kind = ControlCommand.Kind.parse(text(detail, "control"));
        } catch (IllegalArgumentException e) {
            throw new InvalidEnvelopeException("control", e.getMessage());
        }
        String eventId = required(detail, "eventId");
        String workspaceId = required(detail, "workspaceId");
        if (!Room.isValidId(workspaceId)) {
            throw new InvalidEnvelopeException("workspaceId", "is not a valid id");
        }
        String userId = text(detail, "userId");
        String connectionId = text(detail, "connectionId");
        if ((userId == null) == (connectionId == null)) {
            throw new InvalidEnvelopeException("userId", "exactly one of userId or connectionId is required");
        }
        if (userId != null && !Room.isValidId(userId)) {
            throw new InvalidEnvelopeException("userId", "is not a valid id");
        }
        String room = text(detail, "room");
        if (kind == ControlCommand.Kind.CLOSE_CONNECTIONS) {
            if (room != null) {
                throw new InvalidEnvelopeException("room", "connections.close takes no room");
            }
        } else if (room == null || !Room.isValidName(room)) {
            throw new InvalidEnvelopeException("room", kind.wire() + " needs a valid room name");
        } else if (room.startsWith(Room.USER_NAMESPACE + ":") || room.startsWith(Room.WORKSPACE_NAMESPACE + ":")) {
            throw new InvalidEnvelopeException("room", "user: and workspace: rooms are joined and left by their own rules");
        }
        String reason = text(detail, "reason");
        if (reason != null && reason.length() > MAX_REASON) {
            throw new InvalidEnvelopeException("reason", "is longer than " + MAX_REASON + " characters");
        }
        String correlationId = text(detail, "correlationId");
        return new ControlCommand(kind, eventId, workspaceId, userId, connectionId, room, reason,
                correlationId == null ? eventId : correlationId);
    }

    private static String required(JsonNode detail, String field) throws InvalidEnvelopeException {
        String value = text(detail, field);
        if (value == null) {
            throw new InvalidEnvelopeException(field, "missing or not a non-empty string");
        }
        return value;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value != null && value.isTextual() && !value.textValue().isEmpty() ? value.textValue() : null;
    }
}
