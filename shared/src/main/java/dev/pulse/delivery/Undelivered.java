package dev.pulse.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulse.protocol.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one delivery could not deliver after its retries: the dead-letter entry of one event, with every connection
 * left and the exact frame each should have got, so that posting them again ({@link FanOut#replay}) completes the
 * delivery. Connections are grouped by frame (all but {@code user:}-targeted recipients share one).
 *
 * @param eventId       the event
 * @param event         its name
 * @param correlationId its correlation id, or null
 * @param workspaceId   the tenant of its rooms (every room of one delivery belongs to one workspace)
 * @param rooms         the target rooms' names
 * @param attempts      posts tried per connection before giving up
 * @param frames        the frames not delivered, each with its connections
 */
public record Undelivered(String eventId, String event, String correlationId, String workspaceId, List<String> rooms,
                         int attempts, List<Frame> frames) {
    /** Why a connection was given up. */
    public enum Reason {
        /** Throttled, 5xx or no answer on every attempt. */
        RETRIES_EXHAUSTED,
        /** Refused for good (403, 413, another 4xx): not retried. */
        REFUSED;

        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One connection left, and why. */
    public record Connection(String connectionId, Reason reason) {
    }

    /** One frame and the connections that did not get it. */
    public record Frame(String frame, List<Connection> connections) {
        public Frame {
            Objects.requireNonNull(frame, "frame");
            connections = List.copyOf(connections);
        }
    }

    public Undelivered {
        Objects.requireNonNull(eventId, "eventId");
        rooms = List.copyOf(rooms);
        frames = List.copyOf(frames);
    }

    /** Groups posts by their frame text, keeping first-seen order. */
    static List<Frame> group(List<PostBatch.Post> posts, Reason reason, List<Frame> into) {
        Map<String, List<Connection>> byFrame = new LinkedHashMap<>();
        into.forEach(f -> byFrame.computeIfAbsent(f.frame(), k -> new ArrayList<>()).addAll(f.connections()));
        for (var post : posts) {
            byFrame.computeIfAbsent(post.frame(), k -> new ArrayList<>()).add(new Connection(post.connectionId(), reason));
        }
        var frames = new ArrayList<Frame>();
        byFrame.forEach((frame, connections) -> frames.add(new Frame(frame, connections)));
        return frames;
    }

    /** Connections left, all frames together. */
    public int connectionCount() {
        return frames.stream().mapToInt(f -> f.connections().size()).sum();
    }

    /**
     * The dead-letter record: {@code {"undelivered":"posts_failed","eventId":…,"event":…,"correlationId":…,
     * "workspaceId":…,"rooms":[…],"attempts":4,"frames":[{"frame":"…","connections":[{"connectionId":…,
     * "reason":"retries_exhausted"}]}]}}.
     */
    public ObjectNode toJson() {
        ObjectNode json = Json.object();
        json.put("undelivered", "posts_failed");
        json.put("eventId", eventId);
        json.put("event", event);
        json.put("correlationId", correlationId);
        json.put("workspaceId", workspaceId);
        var roomList = json.putArray("rooms");
        rooms.forEach(roomList::add);
        json.put("attempts", attempts);
        var frameList = json.putArray("frames");
        for (Frame f : frames) {
            var entry = frameList.addObject();
            entry.put("frame", f.frame());
            var list = entry.putArray("connections");
            f.connections().forEach(c -> list.addObject().put("connectionId", c.connectionId()).put("reason", c.reason().code()));
        }
        return json;
    }

    /** Reads a record {@link #toJson} wrote (e.g. a dead-letter message's body), to replay it. */
    public static Undelivered fromJson(JsonNode json) {
        if (json == null || !"posts_failed".equals(json.path("undelivered").asText())) {
            throw new IllegalArgumentException("not an undelivered-posts record");
        }
        var rooms = new ArrayList<String>();
        json.path("rooms").forEach(r -> rooms.add(r.asText()));
        var frames = new ArrayList<Frame>();
        for (JsonNode f : json.path("frames")) {
            var connections = new ArrayList<Connection>();
            for (JsonNode c : f.path("connections")) {
                connections.add(new Connection(c.path("connectionId").asText(),
                        Reason.valueOf(c.path("reason").asText().toUpperCase(java.util.Locale.ROOT))));
            }
            frames.add(new Frame(f.path("frame").asText(), connections));
        }
        return new Undelivered(json.path("eventId").asText(), json.path("event").asText(null),
                json.path("correlationId").isTextual() ? json.path("correlationId").asText() : null,
                json.path("workspaceId").asText(null), rooms, json.path("attempts").asInt(), frames);
    }

    /**
     * The same record cut into parts of about {@code maxChars} of JSON at most (a frame with many connections is split
     * between parts), for queues with a message size limit; one part when it fits.
     */
    public List<Undelivered> split(int maxChars) {
        var parts = new ArrayList<Undelivered>();
        var current = new ArrayList<Frame>();
        int size = 512 + rooms.stream().mapToInt(r -> r.length() + 3).sum();
        int base = size;
        for (Frame f : frames) {
            int frameSize = Json.MAPPER.valueToTree(f.frame()).toString().length() + 32;
            var connections = new ArrayList<Connection>();
            for (Connection c : f.connections()) {
                int cost = c.connectionId().length() + 64;
                if (size + frameSize + cost > maxChars && (!connections.isEmpty() || !current.isEmpty())) {
                    if (!connections.isEmpty()) {
                        current.add(new Frame(f.frame(), connections));
                    }
                    parts.add(new Undelivered(eventId, event, correlationId, workspaceId, rooms, attempts, current));
                    current = new ArrayList<>();
                    connections = new ArrayList<>();
                    size = base;
                }
                connections.add(c);
                size += cost;
            }
            if (!connections.isEmpty()) {
                current.add(new Frame(f.frame(), connections));
                size += frameSize;
            }
        }
        if (!current.isEmpty() || parts.isEmpty()) {
            parts.add(new Undelivered(eventId, event, correlationId, workspaceId, rooms, attempts, current));
        }
        return parts;
    }
}
