package dev.pulse.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulse.model.EventContent;
import dev.pulse.model.Position;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Event frames from loose fields, for tests that state every field inline. */
final class TestFrames {
    private TestFrames() {
    }

    static String event(String event, String room, String eventId, Instant timestamp, String correlationId, JsonNode data) {
        return ServerFrames.event(content(event, eventId, timestamp, correlationId, data), room);
    }

    static String event(String event, String room, long seq, String epoch, String eventId, Instant timestamp,
                        String correlationId, JsonNode data) {
        return event(event, room, seq, epoch, null, eventId, timestamp, correlationId, data);
    }

    static String event(String event, String room, long seq, String epoch, ObjectNode others, String eventId,
                        Instant timestamp, String correlationId, JsonNode data) {
        var positions = new LinkedHashMap<String, Position>();
        if (others != null) {
            others.fields().forEachRemaining(f -> positions.put(f.getKey(),
                    new Position(f.getValue().get("seq").asLong(), f.getValue().get("epoch").asText())));
        }
        return ServerFrames.event(content(event, eventId, timestamp, correlationId, data), room, new Position(seq, epoch),
                Map.copyOf(positions));
    }

    private static EventContent content(String event, String eventId, Instant timestamp, String correlationId, JsonNode data) {
        return new EventContent(eventId, event, timestamp, correlationId, data == null ? null : data.toString());
    }
}
