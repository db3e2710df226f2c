package dev.pulse.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulse.model.EventContent;
import dev.pulse.model.Position;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
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
     * An event frame without a position (an ephemeral signal, or an event delivered without a log).
     *
     * @param content what the event is; its payload (JSON text) is spliced in as it is
     * @param room    the room through which this connection got the event
     */
    public static String event(EventContent content, String room) {
        return event(content, room, null, Map.of());
    }

    /**
     * An event frame carrying its position in {@code room}: {@code seq} (from 1, gap-free per room and epoch) and
     * {@code epoch} (the room stream's identity; it changes when the room's history was lost), plus the event's
     * positions in other rooms it was logged in ({@code "positions": {"chat:7": {"seq": 3, "epoch": "…"}}}) for a
     * connection reached through {@code room} that may also be in those rooms; omitted when empty.
     *
     * @param position null for a frame without a position
     */
    public static String event(EventContent content, String room, Position position, Map<String, Position> otherPositions) {
        Objects.requireNonNull(content, "content");
        ObjectNode frame = Json.object();
        frame.put("type", "event");
        frame.put("event", content.event());
        frame.put("room", Objects.requireNonNull(room, "room"));
        if (position != null) {
            if (position.seq() < 1) {
                throw new IllegalArgumentException("seq must be at least 1, got " + position.seq());
            }
            if (position.epoch().isEmpty()) {
                throw new IllegalArgumentException("epoch must be a non-empty string");
            }
            frame.put("seq", position.seq());
            frame.put("epoch", position.epoch());
        }
        frame.put("eventId", content.eventId());
        frame.put("timestamp", timestamp(content.publishedAt()));
        if (content.correlationId() != null) {
            frame.put("correlationId", content.correlationId());
        }
        if (otherPositions != null && !otherPositions.isEmpty()) {
            ObjectNode others = frame.putObject("positions");
            otherPositions.forEach((name, p) -> others.putObject(name).put("seq", p.seq()).put("epoch", p.epoch()));
        }
        // The payload was serialised once per event; only this small header is written per frame.
        String head = write(frame);
        var out = new StringBuilder(head.length() + content.dataJson().length() + 9);
        return out.append(head, 0, head.length() - 1).append(",\"data\":").append(content.dataJson()).append('}').toString();
    }

    /**
     * A batch of replayed events: {@code {"type":"sync","events":[<event frame>, …]}}. The elements are event
     * frame texts from {@link #event}; they are spliced in as they are, not parsed again.
     */
    public static String sync(List<String> eventFrames) {
        Objects.requireNonNull(eventFrames, "eventFrames");
        var out = new StringBuilder(SYNC_OVERHEAD + eventFrames.stream().mapToInt(String::length).sum() + eventFrames.size());
        out.append("{\"type\":\"sync\",\"events\":[");
        for (int i = 0; i < eventFrames.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(eventFrames.get(i));
        }
        return out.append("]}").toString();
    }

    /** Bytes {@link #sync} adds around its events, besides one comma between each two. */
    public static final int SYNC_OVERHEAD = "{\"type\":\"sync\",\"events\":[]}".length();

    /**
     * The last frame of a {@code sync.request}: {@code {"type":"sync.state","rooms":{…},"more":bool}} where
     * {@code rooms} maps each room name to {@code {"status":…,"seq":…,"epoch":…}}.
     */
    public static String syncState(ObjectNode rooms, boolean more) {
        ObjectNode frame = Json.object();
        frame.put("type", "sync.state");
        frame.set("rooms", Objects.requireNonNull(rooms, "rooms"));
        frame.put("more", more);
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
        return failure(requestIdOrNull, code, message, null, retryAfter);
    }

    /**
     * A failure with everything it can carry: a machine-readable {@code error.reason} (access refusals, e.g.
     * {@code not_granted}) and {@code error.retryAfterMs}; either may be null.
     */
    public static String failure(String requestIdOrNull, ErrorCode code, String message, String reason,
                                 java.time.Duration retryAfter) {
        ObjectNode error = errorObject(code, message);
        if (reason != null) {
            error.put("reason", reason);
        }
        if (retryAfter != null) {
            error.put("retryAfterMs", Math.max(1, retryAfter.toMillis()));
        }
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
