package dev.pulse.presence;

import dev.pulse.model.ClosedConnection;
import dev.pulse.model.Connection;
import dev.pulse.model.PresenceChange;
import dev.pulse.model.PresenceStatus;
import dev.pulse.model.Room;
import dev.pulse.room.MembershipListener;
import dev.pulse.store.ConnectionStore;
import dev.pulse.store.MembershipStore;
import dev.pulse.store.PresenceStore;
import dev.pulse.store.PresenceWindows;
import dev.pulse.support.LruMaps;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is present in each presence room, aggregated by user across devices. A change a room's members would see (a
 * user's first connection arriving, its last leaving, its best status or its device count changing) is not posted
 * here: it opens the room's window, and once the window has passed one {@link PresenceFlusher flush} posts the net
 * change to every member as one {@code presence.diff}. So {@code $connect} and {@code $disconnect} post nothing, and a
 * connect storm of N users costs about N posts per window instead of N².
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
    /** Beyond two windows: how late an SQS-delayed flush may start under load before its window counts as lost. */
    static final Duration STALE_MARGIN = Duration.ofSeconds(30);
    /**
     * presence.list answers at most this many users and says {@code truncated} beyond; a bound on one request's
     * work, ten times Pusher's cap of 100 members per presence channel.
     */
    public static final int MAX_LISTED_USERS = 1000;
    /** Lapsed users cleaned up per presence.list, so one request's work stays bounded. */
    static final int MAX_CLEANUPS_PER_LIST = 25;


    private static final Logger LOG = LoggerFactory.getLogger(PresenceTracker.class);
    private static final int REMEMBERED_RENEWALS = 10_000;
    private static final int REMEMBERED_WINDOWS = 1_000;

    private final PresenceStore store;
    private final MembershipStore memberships;
    private final ConnectionStore connections;
    private final Window window;
    private final Set<String> namespaces;
    private final Clock clock;
    private final int signalLimit;
    /**
     * When this container last renewed each connection's leases. A connection known only from its authorizer's context
     * carries the lease start of its {@code $connect}, never a later renewal: without this, every frame after the first
     * {@link #RENEW_AFTER} would renew again. Bounded; a forgotten entry costs one early renewal.
     */
    private final Map<String, Instant> recentRenewals = LruMaps.bounded(REMEMBERED_RENEWALS);
    /**
     * Rooms whose window this process opened, until when that window's flush cannot have started (it is scheduled one
     * window after the open): a change before then needs no window write of its own. Saves a conditional write per
     * change in a connect storm served by one execution environment. Bounded; a forgotten room costs that write.
     */
    private final Map<Room, Instant> windowsOpened = LruMaps.bounded(REMEMBERED_WINDOWS);

    /**
     * @param namespaces  room namespaces with presence; empty turns presence off
     * @param signalLimit rooms with more connections than this get no presence signals (their members poll
     *                    presence.list): each signal costs a post per member, so an unbounded room would pay
     *                    members² posts when everyone reconnects
     */
    public PresenceTracker(Stores stores, Window window, Set<String> namespaces, int signalLimit, Clock clock) {
        this.store = stores.presence();
        this.memberships = stores.memberships();
        this.connections = stores.connections();
        this.window = window;
        this.namespaces = Set.copyOf(namespaces);
        this.signalLimit = signalLimit;
        this.clock = clock;
    }

    /** The three stores presence reads and writes, named (all three live in the connections table). */
    public record Stores(PresenceStore presence, MembershipStore memberships, ConnectionStore connections) {
    }

    /**
     * How a room's changes are gathered: for {@code length}, in a window opened by the first change
     * ({@code windows}), whose flush {@code scheduler} runs when it has passed.
     */
    public record Window(Duration length, PresenceWindows windows, FlushScheduler scheduler) {
        /** A window still open this long after it opened lost its flush; the next change schedules another. */
        public Duration staleAfter() {
            return length.multipliedBy(2).plus(STALE_MARGIN);
        }
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
        changed(room, store.enter(connection, room, status(connection), leaseFrom(clock.instant())));
    }

    @Override
    public void left(Connection connection, Room room) {
        if (!tracks(room)) {
            return;
        }
        changed(room, store.exit(connection.connectionId(), connection.userId(), room));
    }

    /** A connection closed without its {@code $disconnect} (pruned after a 410): it leaves every presence room. */
    @Override
    public void closed(ClosedConnection closed) {
        if (closed.connection() == null) {
            return;
        }
        var connection = closed.connection();
        for (Room room : closed.rooms()) {
            if (!tracks(room)) {
                continue;
            }
            try {
                changed(room, store.exit(connection.connectionId(), connection.userId(), room));
            } catch (RuntimeException e) {
                // Its lease still ends its presence; the delivery that found it gone is not failed for this.
                LOG.warn("presence cleanup of pruned connection {} failed", connection.connectionId(), e);
            }
        }
    }

    /**
     * Sets the connection's status in every presence room it is in (and for rooms it joins later).
     *
     * @return false when the connection is gone
     */
    public boolean setStatus(Connection connection, PresenceStatus status) {
        Instant now = clock.instant();
        if (connections.recordPresence(connection.connectionId(), status.wireName(), now).isEmpty()) {
            return false;
        }
        recentRenewals.put(connection.connectionId(), now);
        for (Room room : presenceRooms(connection)) {
            var change = store.update(connection, room, status, leaseFrom(now))
                    .orElseGet(() -> store.enter(connection, room, status, leaseFrom(now)));
            changed(room, change);
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
            changed(room, change);
        }
    }

    private static Instant latest(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }

    /** The room's present users; lapsed users found on the way are removed (the next diff says they left). */
    public PresenceStore.PresenceSnapshot list(Room room) {
        var snapshot = store.list(room, MAX_LISTED_USERS);
        snapshot.lapsed().entrySet().stream().limit(MAX_CLEANUPS_PER_LIST).forEach(lapsed ->
                changed(room, store.removeLapsed(room, lapsed.getKey(), lapsed.getValue())));
        return snapshot;
    }

    private List<Room> presenceRooms(Connection connection) {
        return memberships.rooms(connection.connectionId()).stream().filter(this::tracks).toList();
    }

    /**
     * Opens the room's window when the change is one its members would see, and schedules its flush when this change
     * opened it. Never fails the caller's action: a window that could not be opened or scheduled reopens once stale.
     */
    private void changed(Room room, PresenceChange change) {
        if (!change.changed()) {
            return;
        }
        Instant now = clock.instant();
        Instant gathering = windowsOpened.get(room);
        if (gathering != null && now.isBefore(gathering)) {
            // This process opened the room's window, and its flush runs no earlier than this: it reads this change.
            return;
        }
        try {
            if (window.windows().open(room, window.staleAfter())) {
                windowsOpened.put(room, now.plus(window.length()));
                window.scheduler().schedule(room, window.length());
            }
        } catch (RuntimeException e) {
            LOG.warn("presence window of {} could not be scheduled", room.name(), e);
        }
    }

    /** Whether the room is small enough for presence signals (one Query reading at most limit + 1 keys). */
    public boolean signalsIn(Room room) {
        return !memberships.hasMoreMembersThan(room, signalLimit);
    }

    private static PresenceStatus status(Connection connection) {
        return PresenceStatus.parse(connection.presenceStatus()).orElse(PresenceStatus.ONLINE);
    }

    private static Instant leaseFrom(Instant now) {
        return now.plus(LEASE);
    }
}
