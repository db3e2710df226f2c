package dev.pulse.sync;

import dev.pulse.model.Position;
import dev.pulse.model.Room;
import dev.pulse.store.EventLog;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns the seed systems' {@code lastEventId} ("the last event I saw") into per-room positions: in every
 * room where that event is logged, replay after its position there (exact); in the other rooms, replay
 * from its publish time (as {@code since}). An event that is logged nowhere (unknown, or older than the
 * retention) cannot anchor anything, so every room reports continuity lost and the client refetches.
 */
public final class LastEventIdQuery {
    /** An epoch no room ever has: a position with it always reads as "continuity lost". */
    static final String UNKNOWN_EPOCH = "unknown-last-event-id";

    private final EventLog log;

    public LastEventIdQuery(EventLog log) {
        this.log = log;
    }

    /** One GetItem per room (the event's claim there), plus one read for its publish time. */
    public SyncQuery resolve(String workspaceId, String lastEventId, Collection<String> rooms) {
        var names = rooms.stream().distinct().sorted().limit(SyncQuery.MAX_ROOMS).toList();
        var found = new LinkedHashMap<String, Position>();
        for (String name : names) {
            log.claimed(new Room(workspaceId, name), lastEventId).ifPresent(p -> found.put(name, p));
        }
        Instant publishedAt = null;
        for (var entry : found.entrySet()) {
            var position = entry.getValue();
            var events = log.read(new Room(workspaceId, entry.getKey()),
                    new Position(position.seq() - 1, position.epoch()), 1);
            if (!events.isEmpty() && events.get(0).eventId().equals(lastEventId)) {
                publishedAt = events.get(0).publishedAt();
                break;
            }
        }
        Map<String, SyncQuery.Want> wanted = new HashMap<>();
        for (String name : names) {
            Position position = found.get(name);
            if (position != null) {
                wanted.put(name, new SyncQuery.Want(position, null));
            } else if (publishedAt != null) {
                wanted.put(name, new SyncQuery.Want(null, publishedAt));
            } else {
                wanted.put(name, new SyncQuery.Want(new Position(1, UNKNOWN_EPOCH), null));
            }
        }
        return new SyncQuery(new LinkedHashMap<>(new java.util.TreeMap<>(wanted)));
    }
}
