package dev.pulse.sync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.model.Position;
import dev.pulse.model.Room;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed sync query, the same over WebSocket ({@code sync.request}) and HTTP polling: per room, either
 * the client's last position or a time to replay from.
 *
 * @param rooms room name → what the client wants, in request order
 */
public record SyncQuery(Map<String, Want> rooms) {
    public static final int MAX_ROOMS = 100;

    /** Replay after {@code position}, or (when it is null) everything published at or after {@code since}. */
    public record Want(Position position, Instant since) {
    }

    /** A query the server cannot run; {@link #invalidRoom()} tells a bad room name from other defects. */
    public static final class InvalidSyncQuery extends Exception {
        private final boolean invalidRoom;

        InvalidSyncQuery(boolean invalidRoom, String message) {
            super(message);
            this.invalidRoom = invalidRoom;
        }

        public boolean invalidRoom() {
            return invalidRoom;
        }
    }

    /**
     * Reads {@code {"positions": {room: {seq, epoch}}}} or {@code {"since": "<ISO-8601>"}}.
     *
     * @param sinceRooms the rooms a {@code since} query covers (the connection's rooms; over HTTP the
     *                   {@code rooms} the client listed), or null when {@code since} must name them in
     *                   {@code data.rooms}
     */
    public static SyncQuery parse(JsonNode data, Collection<String> sinceRooms) throws InvalidSyncQuery {
        JsonNode positions = data.get("positions");
        JsonNode since = data.get("since");
        if (positions == null && since == null) {
            throw invalid("data must have positions, since, or both");
        }
        var wanted = new LinkedHashMap<String, Want>();
        if (positions != null) {
            readPositions(positions, wanted);
        }
        if (since != null) {
            // With positions too, since covers the rooms they do not name: a reconnecting client sends its
            // positions and the time it was last up, so rooms where it had seen nothing yet are replayed as well.
            Instant instant = instant(since);
            Collection<String> rooms = sinceRooms != null ? sinceRooms : listedRooms(data);
            if (rooms.size() > MAX_ROOMS && sinceRooms == null) {
                throw invalid("data.rooms names more than " + MAX_ROOMS + " rooms");
            }
            rooms.stream().distinct().sorted().filter(name -> !wanted.containsKey(name))
                    .limit(Math.max(0, MAX_ROOMS - wanted.size()))
                    .forEach(name -> wanted.put(name, new Want(null, instant)));
        }
        return new SyncQuery(wanted);
    }

    private static Instant instant(JsonNode since) throws InvalidSyncQuery {
        if (!since.isTextual()) {
            throw invalid("data.since must be an ISO-8601 timestamp string");
        }
        try {
            return Instant.parse(since.textValue());
        } catch (DateTimeParseException e) {
            throw invalid("data.since is not an ISO-8601 timestamp: " + since.textValue());
        }
    }

    private static List<String> listedRooms(JsonNode data) throws InvalidSyncQuery {
        JsonNode listed = data.get("rooms");
        if (listed == null || !listed.isArray() || listed.isEmpty()) {
            throw invalid("data.rooms must list the rooms to replay since that time");
        }
        var names = new ArrayList<String>();
        for (JsonNode name : listed) {
            if (!name.isTextual() || !Room.isValidName(name.textValue())) {
                throw new InvalidSyncQuery(true, "not a valid room name in data.rooms");
            }
            names.add(name.textValue());
        }
        return names;
    }

    private static void readPositions(JsonNode positions, Map<String, Want> wanted) throws InvalidSyncQuery {
        if (!positions.isObject()) {
            throw invalid("data.positions must be an object of room -> {seq, epoch}");
        }
        if (positions.size() > MAX_ROOMS) {
            throw invalid("data.positions names more than " + MAX_ROOMS + " rooms");
        }
        var fields = positions.fields();
        while (fields.hasNext()) {
            var field = fields.next();
            String name = field.getKey();
            if (!Room.isValidName(name)) {
                throw new InvalidSyncQuery(true, "not a valid room name in data.positions");
            }
            JsonNode p = field.getValue();
            JsonNode seq = p.get("seq");
            JsonNode epoch = p.get("epoch");
            if (!p.isObject() || seq == null || !seq.isIntegralNumber() || !seq.canConvertToLong() || seq.asLong() < 0) {
                throw invalid("data.positions[\"" + name + "\"].seq must be an integer >= 0");
            }
            if (seq.asLong() > 0 && (epoch == null || !epoch.isTextual() || epoch.textValue().isEmpty())) {
                throw invalid("data.positions[\"" + name + "\"].epoch must be a non-empty string when seq > 0");
            }
            wanted.put(name, new Want(new Position(seq.asLong(), epoch != null && epoch.isTextual() ? epoch.textValue() : ""), null));
        }
    }

    private static InvalidSyncQuery invalid(String message) {
        return new InvalidSyncQuery(false, message);
    }
}
