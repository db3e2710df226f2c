package dev.pulse.presence;

import dev.pulse.model.Member;
import dev.pulse.model.Room;
import dev.pulse.store.MembershipStore;
import dev.pulse.store.PresenceStore;
import java.util.HashSet;
import java.util.List;

/**
 * What the app's backend asks about a room (the query API, PROTOCOL §10.7): how many connections and users are in it,
 * and who is present. Asking needs an answer, so these are read over HTTP rather than sent as control commands.
 * Reads only: nothing is announced, and lapsed presence entries are left for a member's {@code presence.list} to clean.
 */
public final class RoomQueries {
    private final MembershipStore memberships;
    private final PresenceStore presence;
    private final PresenceTracker tracker;

    public RoomQueries(MembershipStore memberships, PresenceStore presence, PresenceTracker tracker) {
        this.memberships = memberships;
        this.presence = presence;
        this.tracker = tracker;
    }

    /** The room's live memberships: connections, and the distinct users behind them. */
    public record Members(long connections, long users) {
    }

    /** Reads the room's whole membership partition, a page at a time. */
    public Members members(Room room) {
        long connections = 0;
        var users = new HashSet<String>();
        for (List<Member> page : memberships.members(room)) {
            connections += page.size();
            page.forEach(member -> users.add(member.userId()));
        }
        return new Members(connections, users.size());
    }

    /** Whether the room keeps presence at all (its namespace is a presence namespace). */
    public boolean keepsPresence(Room room) {
        return tracker.tracks(room);
    }

    /** The room's present users (at most {@link PresenceTracker#MAX_LISTED_USERS}), as {@code presence.list} answers. */
    public PresenceStore.PresenceSnapshot present(Room room) {
        return presence.list(room, PresenceTracker.MAX_LISTED_USERS);
    }
}
