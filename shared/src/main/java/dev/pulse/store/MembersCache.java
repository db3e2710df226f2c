package dev.pulse.store;

import dev.pulse.model.Member;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The fan-out's membership pages, reused for a short while: a hot room otherwise costs a Query per event (and its read
 * units, in the room's partition of the connections table), where its members change far less often than it gets
 * events. A page older than {@code ttl} is read again; a join or leave through this process forgets the room's page at
 * once (after its write), so only changes made by other processes (other Lambda environments) can go unseen, for at
 * most {@code ttl}. A page is also dropped once its first member lapses (the earliest membership {@code ttl} on it):
 * a member whose connection or room token expires stops getting events at that second, as with a Query per event, so
 * a long {@code ttl} stays exact where every change goes through this process (the local runtime). Only rooms that fit
 * one Query page are kept: bigger ones are read page by page every time. One instance is shared by every store that
 * writes memberships ({@link MembershipStore}, {@link ConnectionStore}).
 */
public final class MembersCache {
    /**
     * Members kept at once, over all rooms (a few tens of MB): the least recently used rooms are dropped first. A page
     * holds up to 1 MB of items, some 8,000 members, so a count of rooms alone would not bound the memory.
     */
    static final int MAX_MEMBERS = 200_000;

    /** @param lapsesAt the earliest membership expiry on the page (epoch seconds; Long.MAX_VALUE when none) */
    private record Kept(List<Member> page, long readAt, long lapsesAt) {
    }

    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private final int maxMembers;
    /** Counts forgets: a read that saw one happen while it ran is not kept (it may predate the change). */
    private long generation;
    private final LinkedHashMap<String, Kept> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long members;

    /** @param ttl how long a room's page may be reused (zero: never, a Query per event) */
    public MembersCache(Duration ttl) {
        this(ttl, System::nanoTime);
    }

    MembersCache(Duration ttl, LongSupplier nanoTime) {
        this(ttl, nanoTime, MAX_MEMBERS);
    }

    MembersCache(Duration ttl, LongSupplier nanoTime, int maxMembers) {
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must not be negative");
        }
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = nanoTime;
        this.maxMembers = maxMembers;
    }

    /** No reuse: a Query per event. */
    public static MembersCache off() {
        return new MembersCache(Duration.ZERO);
    }

    boolean enabled() {
        return ttlNanos > 0;
    }

    /**
     * The room's page if one younger than the TTL is kept and none of its members has lapsed by {@code nowEpochSecond},
     * else null.
     */
    synchronized List<Member> page(String roomKey, long nowEpochSecond) {
        var entry = entries.get(roomKey);
        if (entry == null) {
            return null;
        }
        if (nanoTime.getAsLong() - entry.readAt() >= ttlNanos || nowEpochSecond >= entry.lapsesAt()) {
            remove(roomKey);
            return null;
        }
        return entry.page();
    }

    /** What {@link #keep} needs to know that no membership changed while the read ran. Call before reading. */
    synchronized long generation() {
        return generation;
    }

    /** The clock {@link #keep}'s {@code readAt} comes from. */
    long now() {
        return nanoTime.getAsLong();
    }

    /**
     * Keeps a room's whole membership, read as one page starting at {@code readAt}, unless a change came since.
     *
     * @param lapsesAt the earliest expiry (epoch seconds) of the memberships on the page, Long.MAX_VALUE for none
     */
    synchronized void keep(String roomKey, List<Member> page, long readAt, long lapsesAt, long generationAtStart) {
        if (generation != generationAtStart || page.size() > maxMembers) {
            return;
        }
        remove(roomKey);
        entries.put(roomKey, new Kept(List.copyOf(page), readAt, lapsesAt));
        members += page.size();
        var eldest = entries.entrySet().iterator();
        while (members > maxMembers && eldest.hasNext()) {
            members -= eldest.next().getValue().page().size();
            eldest.remove();
        }
    }

    /** Drops the room's page: its members changed here. */
    synchronized void forget(String roomKey) {
        generation++;
        remove(roomKey);
    }

    private void remove(String roomKey) {
        var kept = entries.remove(roomKey);
        if (kept != null) {
            members -= kept.page().size();
        }
    }
}
