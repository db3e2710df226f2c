package dev.pulse.room;

import dev.pulse.model.Identity;
import dev.pulse.model.Room;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The access hook's answers kept for a while, per (workspace, user, room, action), in this process: one call per
 * TTL for each, so a cached join costs no I/O. An allow holds for the TTL the app gave (capped at {@code maxTtl}) or
 * {@code allowTtl}; a deny for at most {@code denyTtl} (short, so a user who was just given access gets in soon); a
 * failure is never kept. At most {@code capacity} answers, the least recently used dropped first.
 */
public final class CachedAccessHook implements AccessHook {
    private record Key(String workspaceId, String userId, String room, RoomOperation operation) {
    }

    private record Cached(Verdict verdict, Instant until) {
    }

    private final AccessHook hook;
    private final Duration allowTtl;
    private final Duration denyTtl;
    private final Duration maxTtl;
    private final Clock clock;
    private final Map<Key, Cached> entries;
    private final AtomicLong calls = new AtomicLong();

    public CachedAccessHook(AccessHook hook, Duration allowTtl, Duration denyTtl, Duration maxTtl, int capacity, Clock clock) {
        this.hook = hook;
        this.allowTtl = allowTtl;
        this.denyTtl = denyTtl;
        this.maxTtl = maxTtl;
        this.clock = clock;
        this.entries = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Cached> eldest) {
                return size() > capacity;
            }
        };
    }

    @Override
    public Verdict ask(Identity who, Room room, RoomOperation operation) throws Unavailable {
        var key = new Key(who.workspaceId(), who.userId(), room.name(), operation);
        Instant now = clock.instant();
        synchronized (entries) {
            var cached = entries.get(key);
            if (cached != null && now.isBefore(cached.until())) {
                return cached.verdict();
            }
        }
        calls.incrementAndGet();
        Verdict verdict = hook.ask(who, room, operation); // a failure propagates and is not kept
        Duration ttl = verdict.allow() ? (verdict.ttl() == null ? allowTtl : min(verdict.ttl(), maxTtl))
                : min(verdict.ttl() == null ? denyTtl : verdict.ttl(), denyTtl);
        if (!ttl.isZero()) {
            synchronized (entries) {
                entries.put(key, new Cached(verdict, now.plus(ttl)));
            }
        }
        return verdict;
    }

    /** Calls made to the hook itself (the benchmark reports them per 1,000 joins). */
    public long calls() {
        return calls.get();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
