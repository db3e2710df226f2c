package dev.pulse.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulse.connection.ActionException;
import dev.pulse.connection.ActionHandler;
import dev.pulse.connection.Connection;
import dev.pulse.delivery.ConnectionSender;
import dev.pulse.protocol.ClientFrame;
import dev.pulse.protocol.ErrorCode;
import dev.pulse.protocol.Json;
import dev.pulse.protocol.ProtocolException;
import dev.pulse.protocol.ServerFrames;
import dev.pulse.room.MembershipStore;
import dev.pulse.room.Room;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code sync.request}: replays the events a reconnecting client missed, from the {@link EventLog}.
 *
 * <p>The client names its last position per room ({@code {"positions":{"chat:42":{"seq":17,"epoch":"…"}}}})
 * or a time ({@code {"since":"2026-11-22T10:00:00Z"}}, every room the connection is in). Only rooms this
 * connection is in, in its own workspace, are read. Missed events go out in {@code sync} frames (each a
 * batch of event frames under {@link #MAX_FRAME_BYTES}), room by room in sequence order; then one
 * {@code sync.state} frame tells per room whether continuity is {@code restored}, {@code lost} (history
 * expired, epoch changed, or the position is unknown: refetch state and continue from the given
 * position), {@code partial} (this request's budget ran out: send again with the positions given) or
 * {@code not_joined}. Work per request is bounded: at most {@link #MAX_EVENTS} events and
 * {@link #MAX_ROOMS} rooms; reads go {@link #PAGE_SIZE} items per Query.
 */
public final class SyncActions {
    public static final String SYNC = "sync.request";
    public static final int MAX_EVENTS = 1000;
    public static final int MAX_ROOMS = 100;
    public static final int PAGE_SIZE = 250;
    /** Below API Gateway's 128 KB per message, with room for the frame around the events. */
    public static final int MAX_FRAME_BYTES = 120 * 1024;

    private final MembershipStore memberships;
    private final EventLog log;
    private final ConnectionSender sender;
    private final Clock clock;

    public SyncActions(MembershipStore memberships, EventLog log, ConnectionSender sender, Clock clock) {
        this.memberships = memberships;
        this.log = log;
        this.sender = sender;
        this.clock = clock;
    }

    public void registerInto(Map<String, ActionHandler> actions) {
        actions.put(SYNC, this::sync);
    }

    /** What the client asked for in one room: replay after this position, or since this time. */
    private record Want(Position position, Instant since) {
    }

    JsonNode sync(Connection connection, ClientFrame frame) throws ActionException, ProtocolException {
        Map<String, Want> wanted = parse(connection, frame);
        var joined = new LinkedHashSet<String>();
        memberships.rooms(connection.connectionId()).forEach(room -> joined.add(room.name()));
        ObjectNode states = Json.object();
        var out = new Batcher(connection.connectionId());
        int budget = MAX_EVENTS;
        boolean more = false;
        for (var entry : wanted.entrySet()) {
            String name = entry.getKey();
            ObjectNode state = states.putObject(name);
            if (!joined.contains(name)) {
                state.put("status", "not_joined");
                continue;
            }
            Room room = new Room(connection.workspaceId(), name);
            int before = out.count;
            String status = replay(room, entry.getValue(), budget, out, state);
            budget -= out.count - before;
            more |= status.equals("partial");
        }
        out.flush();
        sender.send(connection.connectionId(), ServerFrames.syncState(states, more));
        return Json.object().put("events", out.count).put("more", more);
    }

    /** Replays one room into {@code out}, fills its state and returns its status. */
    private String replay(Room room, Want want, int budget, Batcher out, ObjectNode state) {
        Optional<Position> head = log.head(room);
        long after;
        if (want.position() != null) {
            Position from = want.position();
            after = from.seq();
            boolean sameStream = head.isPresent() ? from.seq() == 0 || head.get().epoch().equals(from.epoch()) : from.seq() == 0;
            if (!sameStream || (head.isPresent() && from.seq() > head.get().seq())) {
                return finish(state, "lost", head);
            }
        } else {
            if (want.since().isBefore(clock.instant().minus(log.retention()))) {
                return finish(state, "lost", head);
            }
            after = 0;
        }
        if (head.isEmpty()) {
            return finish(state, "restored", head);
        }
        long last = head.get().seq();
        boolean first = true;
        while (after < last) {
            if (budget == 0) {
                state.put("status", "partial").put("seq", after).put("epoch", head.get().epoch());
                return "partial";
            }
            List<LoggedEvent> page = log.read(room, after, Math.min(PAGE_SIZE, budget));
            if (page.isEmpty()) {
                // Entries between our position and the head expired.
                return want.since() == null ? finish(state, "lost", head) : finish(state, "restored", head);
            }
            for (LoggedEvent event : page) {
                if (event.seq() != after + 1 && (want.since() == null || !first)) {
                    return finish(state, "lost", head); // a hole: history in between has expired
                }
                first = false;
                after = event.seq();
                if (want.since() != null && event.publishedAt().isBefore(want.since())) {
                    continue;
                }
                out.add(ServerFrames.event(event.event(), room.name(), event.seq(), event.epoch(), event.eventId(),
                        event.publishedAt(), event.correlationId(), event.data()));
                budget--;
                if (budget == 0) {
                    break;
                }
            }
        }
        return finish(state, "restored", head.map(h -> new Position(Math.max(h.seq(), 0), h.epoch())));
    }

    private static String finish(ObjectNode state, String status, Optional<Position> head) {
        state.put("status", status);
        state.put("seq", head.map(Position::seq).orElse(0L));
        head.ifPresent(h -> state.put("epoch", h.epoch()));
        return status;
    }

    private Map<String, Want> parse(Connection connection, ClientFrame frame) throws ProtocolException, ActionException {
        JsonNode positions = frame.data().get("positions");
        JsonNode since = frame.data().get("since");
        if ((positions == null) == (since == null)) {
            throw invalid(frame, "data must have exactly one of positions or since");
        }
        var wanted = new LinkedHashMap<String, Want>();
        if (since != null) {
            if (!since.isTextual()) {
                throw invalid(frame, "data.since must be an ISO-8601 timestamp string");
            }
            Instant instant;
            try {
                instant = Instant.parse(since.textValue());
            } catch (DateTimeParseException e) {
                throw invalid(frame, "data.since is not an ISO-8601 timestamp: " + since.textValue());
            }
            var rooms = new ArrayList<String>();
            memberships.rooms(connection.connectionId()).forEach(room -> rooms.add(room.name()));
            rooms.stream().sorted().limit(MAX_ROOMS).forEach(name -> wanted.put(name, new Want(null, instant)));
            return wanted;
        }
        if (!positions.isObject()) {
            throw invalid(frame, "data.positions must be an object of room -> {seq, epoch}");
        }
        if (positions.size() > MAX_ROOMS) {
            throw invalid(frame, "data.positions names more than " + MAX_ROOMS + " rooms");
        }
        var fields = positions.fields();
        while (fields.hasNext()) {
            var field = fields.next();
            String name = field.getKey();
            if (!Room.isValidName(name)) {
                throw new ActionException(ErrorCode.INVALID_ROOM, "not a valid room name in data.positions");
            }
            JsonNode p = field.getValue();
            JsonNode seq = p.get("seq");
            JsonNode epoch = p.get("epoch");
            if (!p.isObject() || seq == null || !seq.canConvertToExactIntegral() || !seq.isIntegralNumber() || seq.asLong() < 0) {
                throw invalid(frame, "data.positions[\"" + name + "\"].seq must be an integer >= 0");
            }
            if (seq.asLong() > 0 && (epoch == null || !epoch.isTextual() || epoch.textValue().isEmpty())) {
                throw invalid(frame, "data.positions[\"" + name + "\"].epoch must be a non-empty string when seq > 0");
            }
            wanted.put(name, new Want(new Position(seq.asLong(), epoch != null && epoch.isTextual() ? epoch.textValue() : ""), null));
        }
        return wanted;
    }

    private static ProtocolException invalid(ClientFrame frame, String message) {
        return new ProtocolException(ErrorCode.INVALID_FRAME, message, frame.id());
    }

    /** Packs event frames into {@code sync} frames under {@link #MAX_FRAME_BYTES} and sends each when full. */
    private final class Batcher {
        private final String connectionId;
        private final List<String> pending = new ArrayList<>();
        private int bytes = ServerFrames.SYNC_OVERHEAD;
        int count;

        Batcher(String connectionId) {
            this.connectionId = connectionId;
        }

        void add(String eventFrame) {
            int size = eventFrame.getBytes(StandardCharsets.UTF_8).length + 1;
            if (!pending.isEmpty() && bytes + size > MAX_FRAME_BYTES) {
                flush();
            }
            pending.add(eventFrame);
            bytes += size;
            count++;
        }

        void flush() {
            if (pending.isEmpty()) {
                return;
            }
            sender.send(connectionId, ServerFrames.sync(pending));
            pending.clear();
            bytes = ServerFrames.SYNC_OVERHEAD;
        }
    }
}
