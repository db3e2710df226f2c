package dev.pulse.presence;

import dev.pulse.support.metrics.Metric;
import dev.pulse.support.metrics.Metrics;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.model.ClosedConnection;
import dev.pulse.model.Connection;
import dev.pulse.model.PresenceChange;
import dev.pulse.model.PresenceStatus;
import dev.pulse.model.Room;
import dev.pulse.model.UserPresence;
import dev.pulse.protocol.Json;
import dev.pulse.protocol.Signals;
import dev.pulse.room.MembershipListener;
import dev.pulse.room.RoomBroadcast;
import dev.pulse.store.ConnectionStore;
import dev.pulse.store.MembershipStore;
import dev.pulse.store.PresenceStore;
import dev.pulse.support.LruMaps;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is present in each presence room, aggregated by user across devices, and the
 * {@code presence.join} / {@code presence.leave} / {@code presence.update} signals to the room's other members:
 * join on a user's first connection, leave on its last, update when the user's best status changes.
 *
 * <p>Leases. A connection's presence lapses {@link #LEASE} after its last renewal unless renewed, so a
 * connection whose {@code $disconnect} never came stops counting. Any frame renews the leases once
 * {@link #RENEW_AFTER} has passed (one write per room per few minutes, not per frame). API Gateway closes a
 * connection after 10 idle minutes, so a live connection always renews in time: its last frame was at most
 * 10 minutes ago, and the renewal before that at most {@code RENEW_AFTER} earlier.
 */
public final class PresenceTracker implements MembershipListener {
    public static final Duration LEASE = Duration.ofMinutes(13);
    public static final Duration RENEW_AFTER = Duration.ofMinutes(2);
    /**
     * presence.list answers at most this many users and says {@code truncated} beyond; a bound on one request's
     * work, ten times Pusher's cap of 100 members per presence channel.
     */
    public static final int MAX_LISTED_USERS = 1000;
    /** Lapsed users cleaned up per presence.list, so one request's work stays bounded. */
    static final int MAX_CLEANUPS_PER_LIST = 25;


    private static final Logger LOG = LoggerFactory.getLogger(PresenceTracker.class);
    private static final int REMEMBERED_RENEWALS = 10_000;

    private final PresenceStore store;
    private final MembershipStore memberships;
    private final ConnectionStore connections;
    private final RoomBroadcast broadcast;
    private final Set<String> namespaces;
    private final Clock clock;
    private final int signalLimit;
    private final Metrics metrics;
    /**
     * When this container last renewed each connection's leases. A connection known only from its authorizer's context
     * carries the lease start of its {@code $connect}, never a later renewal: without this, every frame after the first
     * {@link #RENEW_AFTER} would renew again. Bounded; a forgotten entry costs one early renewal.
     */
    private final Map<String, Instant> recentRenewals = LruMaps.bounded(REMEMBERED_RENEWALS);

    /**
     * @param namespaces  room namespaces with presence; empty turns presence off
     * @param signalLimit rooms with more connections than this get no presence signals (their members poll
     *                    presence.list): each signal costs a post per member, so an unbounded room would pay
     *                    members² posts when everyone reconnects
     */
    public PresenceTracker(Stores stores, RoomBroadcast broadcast, Set<String> namespaces, int signalLimit, Clock clock) {
        this(stores, broadcast, namespaces, signalLimit, clock, Metrics.NONE);
    }

    /** @param metrics where the presence signals posted are counted (PresenceSignals) */
    public PresenceTracker(Stores stores, RoomBroadcast broadcast, Set<String> namespaces, int signalLimit, Clock clock,
                           Metrics metrics) {
        this.metrics = metrics;
        this.store = stores.presence();
        this.memberships = stores.memberships();
        this.connections = stores.connections();
        this.broadcast = broadcast;
        this.namespaces = Set.copyOf(namespaces);
        this.signalLimit = signalLimit;
        this.clock = clock;
    }

    /** The three stores presence reads and writes, named (all three live in the connections table). */
    public record Stores(PresenceStore presence, MembershipStore memberships, ConnectionStore connections) {
    }

    public boolean tracks(Room room) {
        return namespaces.contains(room.namespace());
    }

    public Set<String> namespaces() {
        return namespaces;
    }

    @Override
    public void joined(Connection connection, Room room) {
        if (!tracks(room)) {
            return;
        }
        var status = status(connection);
        settle(announce(connection, room, store.enter(connection, room, status, leaseFrom(clock.instant())), null));
    }

    @Override
    public void left(Connection connection, Room room) {
        if (!tracks(room)) {
            return;
        }
        settle(announce(connection, room, store.exit(connection.connectionId(), connection.userId(), room), null));
    }

    /**
     * A connection closed without its {@code $disconnect} (pruned after a 410): it leaves every presence room, and
     * the others hear of it. Connections found gone while telling them are settled the same way, in a loop (not by
     * recursion), until none is left.
     */
    @Override
    public void closed(ClosedConnection closed) {
        settle(List.of(closed));
    }

    private void settle(List<ClosedConnection> pruned) {
        var pending = new ArrayDeque<>(pruned);
        while (!pending.isEmpty()) {
            var closed = pending.poll();
            if (closed.connection() == null) {
                continue;
            }
            for (Room room : closed.rooms()) {
                if (!tracks(room)) {
                    continue;
                }
                try {
                    var connection = closed.connection();
                    pending.addAll(announce(connection, room, store.exit(connection.connectionId(), connection.userId(), room), null));
                } catch (RuntimeException e) {
                    // Its lease still ends its presence; the delivery that found it gone is not failed for this.
                    LOG.warn("presence cleanup of pruned connection {} failed", closed.connection().connectionId(), e);
                }
            }
        }
    }

    /**
     * Sets the connection's status in every presence room it is in (and for rooms it joins later).
     *
     * @return false when the connection is gone
     */
    public boolean setStatus(Connection connection, PresenceStatus status, String correlationId) {
        Instant now = clock.instant();
        if (connections.recordPresence(connection.connectionId(), status.wireName(), now).isEmpty()) {
            return false;
        }
        recentRenewals.put(connection.connectionId(), now);
        for (Room room : presenceRooms(connection)) {
            var change = store.update(connection, room, status, leaseFrom(now))
                    .orElseGet(() -> store.enter(connection, room, status, leaseFrom(now)));
            settle(announce(connection, room, change, correlationId));
        }
        return true;
    }

    /** Renews the connection's leases when {@link #RENEW_AFTER} has passed since the last renewal. */
    public void renewIfDue(Connection connection) {
        Instant now = clock.instant();
        Instant last = latest(connection.presenceRenewedAt(), recentRenewals.get(connection.connectionId()));
        if (namespaces.isEmpty() || (last != null && now.isBefore(last.plus(RENEW_AFTER)))) {
            return;
        }
        var recorded = connections.recordPresence(connection.connectionId(), null, now);
        if (recorded.isEmpty()) {
            return;
        }
        recentRenewals.put(connection.connectionId(), now);
        var status = PresenceStatus.parse(recorded.get()).orElse(PresenceStatus.ONLINE);
        for (Room room : presenceRooms(connection)) {
            // A lease that lapsed anyway (a very quiet client) comes back, with a join for the others.
            var change = store.update(connection, room, status, leaseFrom(now))
                    .orElseGet(() -> store.enter(connection, room, status, leaseFrom(now)));
            settle(announce(connection, room, change, null));
        }
    }

    private static Instant latest(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }

    /** The room's present users; lapsed users found on the way are removed and announced as gone. */
    public PresenceStore.PresenceSnapshot list(Connection reader, Room room) {
        var snapshot = store.list(room, MAX_LISTED_USERS);
        snapshot.lapsed().entrySet().stream().limit(MAX_CLEANUPS_PER_LIST).forEach(lapsed ->
                settle(announce(reader, room, store.removeLapsed(room, lapsed.getKey(), lapsed.getValue()), null)));
        return snapshot;
    }

    private List<Room> presenceRooms(Connection connection) {
        return memberships.rooms(connection.connectionId()).stream().filter(this::tracks).toList();
    }

    /**
     * Tells the room's other connections what changed, if anything did. Never fails the caller's action.
     *
     * @return the connections found gone while telling them (for {@link #settle})
     */
    private List<ClosedConnection> announce(Connection actor, Room room, PresenceChange change, String correlationId) {
        String event;
        JsonNode data;
        if (change.joined()) {
            event = Signals.PRESENCE_JOIN;
            data = describe(room, change.after());
        } else if (change.left()) {
            event = Signals.PRESENCE_LEAVE;
            data = Json.object().put("userId", change.before().userId()).put("room", room.name());
        } else if (change.statusChanged()) {
            event = Signals.PRESENCE_UPDATE;
            data = describe(room, change.after());
        } else {
            return List.of();
        }
        try {
            if (!signalsIn(room)) {
                return List.of();
            }
            var report = broadcast.signalToOthers(actor, room, event, correlationId, data);
            metrics.record(Metric.PRESENCE_SIGNALS, report.delivered(), java.util.Map.of());
            return report.pruned();
        } catch (RuntimeException e) {
            LOG.warn("presence signal failed event={} room={} userId={}", event, room.name(), actor.userId(), e);
            return List.of();
        }
    }

    /** Whether the room is small enough for presence signals (one Query reading at most limit + 1 keys). */
    public boolean signalsIn(Room room) {
        return !memberships.hasMoreMembersThan(room, signalLimit);
    }

    private static JsonNode describe(Room room, UserPresence user) {
        return Json.object()
                .put("userId", user.userId())
                .put("room", room.name())
                .put("status", user.status().wireName())
                .put("devices", user.devices());
    }

    private static PresenceStatus status(Connection connection) {
        return PresenceStatus.parse(connection.presenceStatus()).orElse(PresenceStatus.ONLINE);
    }

    private static Instant leaseFrom(Instant now) {
        return now.plus(LEASE);
    }
}
