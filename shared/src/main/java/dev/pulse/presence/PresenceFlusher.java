package dev.pulse.presence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.pulse.model.PresenceDiff;
import dev.pulse.model.Room;
import dev.pulse.model.UserPresence;
import dev.pulse.protocol.Json;
import dev.pulse.protocol.Signals;
import dev.pulse.room.MembershipListener;
import dev.pulse.room.RoomBroadcast;
import dev.pulse.store.MembershipStore;
import dev.pulse.store.PresenceStore;
import dev.pulse.store.PresenceWindows;
import dev.pulse.support.metrics.Metric;
import dev.pulse.support.metrics.Metrics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A presence room's flush, once its window has passed: closes the window (a change from now on opens the next), reads
 * the room's presence and what its members were last told, records the new state as told, and posts the difference as
 * {@code presence.diff} to every member, in as few frames as fit.
 *
 * <p>Why a diff against what was told, not a log of the window's changes: the net of any sequence of changes is read in
 * one place, so a leave and a re-join within a window cancel out, a user is in at most one list, a lapsed lease is seen
 * as a leave, and a flush that runs twice (an SQS redelivery) finds nothing left to say. A change made while a flush
 * runs either is read by it or opens the next window (its presence write comes before its window write).
 */
public final class PresenceFlusher {
    /** Users per frame: 200 entries of ~70 bytes keep a frame near 14 KB, inside one 32 KB WebSocket frame. */
    static final int MAX_USERS_PER_FRAME = 200;
    private static final Logger LOG = LoggerFactory.getLogger(PresenceFlusher.class);

    private final PresenceStore store;
    private final PresenceWindows windows;
    private final MembershipStore memberships;
    private final RoomBroadcast broadcast;
    private final MembershipListener gone;
    private final int signalLimit;
    private final Metrics metrics;

    /**
     * @param gone        told of connections found gone while posting (presence: they leave, in the next window)
     * @param signalLimit rooms with more connections than this get no diffs (members poll presence.list)
     */
    public PresenceFlusher(PresenceStore store, PresenceWindows windows, MembershipStore memberships,
                           RoomBroadcast broadcast, MembershipListener gone, int signalLimit, Metrics metrics) {
        this.store = store;
        this.windows = windows;
        this.memberships = memberships;
        this.broadcast = broadcast;
        this.gone = gone;
        this.signalLimit = signalLimit;
        this.metrics = metrics;
    }

    /** @return the diff the members were sent (empty when nothing changed, or the room is too big for signals) */
    public PresenceDiff flush(Room room) {
        windows.close(room);
        var builder = new PresenceDiff.Builder(room);
        var told = new HashMap<String, UserPresence>();
        for (var view : store.views(room)) {
            if (builder.add(view.told(), view.now())) {
                told.put(view.userId(), view.now());
            }
        }
        var diff = builder.build();
        if (diff.isEmpty()) {
            return diff;
        }
        // Recorded before posting: a concurrent or repeated flush then has nothing to repeat. A post that fails after
        // its retries is not sent again; the member's presence.list at its next (re)connect reads the same state.
        store.recordTold(room, told);
        if (memberships.hasMoreMembersThan(room, signalLimit)) {
            return new PresenceDiff(room, List.of(), List.of(), List.of());
        }
        for (var part : diff.parts(MAX_USERS_PER_FRAME)) {
            try {
                var report = broadcast.signalToAll(room, Signals.PRESENCE_DIFF, describe(part));
                metrics.record(Metric.PRESENCE_SIGNALS, report.delivered(), Map.of());
                report.pruned().forEach(gone::closed);
            } catch (RuntimeException e) {
                LOG.warn("presence.diff to {} failed ({} users)", room.name(), part.size(), e);
            }
        }
        return diff;
    }

    /** The signal's data: {@code {room, joins, updates, leaves}} (PROTOCOL.md §4.9). */
    static JsonNode describe(PresenceDiff diff) {
        var data = Json.object().put("room", diff.room().name());
        users(data.putArray("joins"), diff.joins());
        users(data.putArray("updates"), diff.updates());
        var leaves = data.putArray("leaves");
        diff.leaves().forEach(id -> leaves.addObject().put("userId", id));
        return data;
    }

    private static void users(ArrayNode into, List<UserPresence> users) {
        users.forEach(u -> into.addObject().put("userId", u.userId()).put("status", u.status().wireName())
                .put("devices", u.devices()));
    }
}
