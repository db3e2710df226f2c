package dev.pulse.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * Writes server-to-client frames (wire protocol v1, events-schema/PROTOCOL.md) as the JSON text to send.
 * Every output validates against {@code schemas/v1/server-frame.json}.
 */
public final class ServerFrames {
    // Fixed millisecond precision: Instant.toString() drops the fraction at whole seconds and prints nanos otherwise.
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private ServerFrames() {
    }

    /**
     * An event frame.
     *
     * @param event         the publisher's event name, unchanged
     * @param room          the room through which this connection got the event
     * @param eventId       the event's unique id
     * @param timestamp     when it was published
     * @param correlationId omitted from the frame when null
     * @param data          the payload, any JSON; null is written as JSON null
     */
    public static String event(String event, String room, String eventId, Instant timestamp, String correlationId, JsonNode data) {
        ObjectNode frame = Json.object();
        frame.put("type", "event");
        frame.put("event", Objects.requireNonNull(event, "event"));
        frame.put("room", Objects.requireNonNull(room, "room"));
        frame.put("eventId", Objects.requireNonNull(eventId, "eventId"));
        frame.put("timestamp", timestamp(Objects.requireNonNull(timestamp, "timestamp")));
        if (correlationId != null) {
            frame.put("correlationId", correlationId);
        }
        frame.set("data", data == null ? NullNode.getInstance() : data);
        return write(frame);
    }

    /** A successful reply to the request {@code id}; {@code data} must be a JSON object. */
    public static String replyOk(String id, JsonNode data) {
        Objects.requireNonNull(data, "data");
        if (!data.isObject()) {
            throw new IllegalArgumentException("reply data must be a JSON object, got " + data.getNodeType());
        }
        ObjectNode frame = Json.object();
        frame.put("type", "reply");
        frame.put("id", Objects.requireNonNull(id, "id"));
        frame.put("ok", true);
        frame.set("data", data);
        return write(frame);
    }

    /** A failed reply to the request {@code id}. */
    public static String replyError(String id, ErrorCode code, String message) {
        ObjectNode frame = Json.object();
        frame.put("type", "reply");
        frame.put("id", Objects.requireNonNull(id, "id"));
        frame.put("ok", false);
        frame.set("error", errorObject(code, message));
        return write(frame);
    }

    /** The failure of a frame that had no usable request id. */
    public static String error(ErrorCode code, String message) {
        ObjectNode frame = Json.object();
        frame.put("type", "error");
        frame.set("error", errorObject(code, message));
        return write(frame);
    }

    /** {@link #replyError} when the request id is known, else {@link #error}. */
    public static String failure(String requestIdOrNull, ErrorCode code, String message) {
        return requestIdOrNull == null ? error(code, message) : replyError(requestIdOrNull, code, message);
    }

    /**
     * A failure that tells the client when to retry ({@code error.retryAfterMs}), as {@code rate_limited} does.
     */
    public static String failure(String requestIdOrNull, ErrorCode code, String message, java.time.Duration retryAfter) {
        ObjectNode error = errorObject(code, message);
        error.put("retryAfterMs", Math.max(1, retryAfter.toMillis()));
        ObjectNode frame = Json.object();
        if (requestIdOrNull == null) {
            frame.put("type", "error");
        } else {
            frame.put("type", "reply");
            frame.put("id", requestIdOrNull);
            frame.put("ok", false);
        }
        frame.set("error", error);
        return write(frame);
    }

    /** An instant as the protocol writes it: ISO-8601 UTC with milliseconds, e.g. {@code 2026-11-22T10:00:00.123Z}. */
    public static String timestamp(Instant instant) {
        return TIMESTAMP.format(instant);
    }

    private static ObjectNode errorObject(ErrorCode code, String message) {
        ObjectNode error = Json.object();
        error.put("code", Objects.requireNonNull(code, "code").wire());
        error.put("message", Objects.requireNonNull(message, "message"));
        return error;
    }

    private static String write(ObjectNode frame) {
        try {
            return Json.MAPPER.writeValueAsString(frame);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write frame", e); // a tree of plain nodes always serialises
        }
    }
}
