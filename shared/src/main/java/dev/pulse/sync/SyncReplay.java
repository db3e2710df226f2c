package dev.pulse.sync;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulse.model.LoggedEvent;
import dev.pulse.model.Position;
import dev.pulse.model.Room;
import dev.pulse.protocol.Json;
import dev.pulse.protocol.ServerFrames;
import dev.pulse.store.EventLog;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Runs a {@link SyncQuery} against the {@link EventLog} for one workspace: hands each missed event, as an
 * event frame text, to a sink in sequence order per room, and says per room whether continuity is
 * {@code restored}, {@code lost}, {@code partial} (budget spent) or {@code not_joined} (not readable).
 * Work is bounded: at most {@code maxEvents} events and about {@code maxBytes} of frames per run, read
 * {@link #PAGE_SIZE} log items per Query.
 */
public final class SyncReplay {
    public static final int PAGE_SIZE = 250;

    /** Whether a room of the query may be read. */
    public enum Access { READABLE, NOT_JOINED, FORBIDDEN }

    /** Tells, by room name, whether the caller may read the room. */
    @FunctionalInterface
    public interface Readable {
        Access of(String roomName);
    }

    /** What one run did. */
    public record Result(ObjectNode rooms, boolean more, int events) {
    }

    private final EventLog log;
    private final Clock clock;

    public SyncReplay(EventLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    /**
     * @param workspaceId the caller's workspace: every room is read in it, whatever the query names
     * @param readable    whether the caller may read a room (by name); others get {@code not_joined} or {@code forbidden}
     * @param sink        receives event frame texts in order
     */
    public Result run(String workspaceId, SyncQuery query, Readable readable, int maxEvents, long maxBytes,
                      Consumer<String> sink) {
        ObjectNode states = Json.object();
        var budget = new Budget(maxEvents, maxBytes);
        boolean more = false;
        for (var entry : query.rooms().entrySet()) {
            String name = entry.getKey();
            ObjectNode state = states.putObject(name);
            switch (readable.of(name)) {
                case NOT_JOINED -> {
                    state.put("status", "not_joined");
                    continue;
                }
                case FORBIDDEN -> {
                    state.put("status", "forbidden");
                    continue;
                }
                case READABLE -> {
                }
            }
            more |= replay(new Room(workspaceId, name), entry.getValue(), budget, sink, state).equals("partial");
        }
        return new Result(states, more, budget.events);
    }

    private static final class Budget {
        final int maxEvents;
        final long maxBytes;
        int events;
        long bytes;

        Budget(int maxEvents, long maxBytes) {
            this.maxEvents = maxEvents;
            this.maxBytes = maxBytes;
        }

        boolean spent() {
            return events >= maxEvents || bytes >= maxBytes;
        }
    }

    private String replay(Room room, SyncQuery.Want want, Budget budget, Consumer<String> sink, ObjectNode state) {
        Optional<Position> head = log.head(room);
        long after;
        if (want.position() != null) {
            Position from = want.position();
            after = from.seq();
            boolean sameStream = from.seq() == 0 || (head.isPresent() && head.get().epoch().equals(from.epoch()));
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
            if (budget.spent()) {
                state.put("status", "partial").put("seq", after).put("epoch", head.get().epoch());
                return "partial";
            }
            List<LoggedEvent> page = log.read(room, new Position(after, head.get().epoch()),
                    Math.min(PAGE_SIZE, budget.maxEvents - budget.events));
            if (page.isEmpty()) {
                // Everything between the position and the head has expired.
                return finish(state, want.since() == null ? "lost" : "restored", head);
            }
            for (LoggedEvent event : page) {
                if (event.seq() != after + 1 && (want.since() == null || !first)) {
                    return finish(state, "lost", head); // a hole: history in between has expired
                }
                first = false;
                if (want.since() != null && event.publishedAt().isBefore(want.since())) {
                    after = event.seq();
                    continue;
                }
                if (budget.spent()) {
                    break;
                }
                String frame = ServerFrames.event(event.content(), room.name(), event.position(), Map.of());
                after = event.seq();
                budget.events++;
                budget.bytes += frame.getBytes(StandardCharsets.UTF_8).length;
                sink.accept(frame);
            }
        }
        return finish(state, "restored", head);
    }

    private static String finish(ObjectNode state, String status, Optional<Position> head) {
        state.put("status", status);
        state.put("seq", head.map(Position::seq).orElse(0L));
        head.ifPresent(h -> state.put("epoch", h.epoch()));
        return status;
    }
}
