package dev.pulse.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.pulse.model.Member;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The cache's own bounds (its use by the stores is tested on DynamoDB Local in {@link MembershipStoreTest}). */
class MembersCacheTest {
    private final AtomicLong nanos = new AtomicLong();

    private static List<Member> members(int n, String prefix) {
        return java.util.stream.IntStream.range(0, n).mapToObj(i -> new Member(prefix + i, "u" + i)).toList();
    }

    @Test
    void keepsAtMostItsMembersDroppingTheLeastRecentlyUsedRooms() {
        var cache = new MembersCache(Duration.ofSeconds(1), nanos::get, 5);
        cache.keep("a", members(2, "a"), 0, Long.MAX_VALUE, cache.generation());
        cache.keep("b", members(2, "b"), 0, Long.MAX_VALUE, cache.generation());
        cache.page("a", 0); // a is now the most recently used
        cache.keep("c", members(2, "c"), 0, Long.MAX_VALUE, cache.generation());
        assertNull(cache.page("b", 0), "the least recently used room went to make room");
        assertEquals(2, cache.page("a", 0).size());
        assertEquals(2, cache.page("c", 0).size());
        cache.keep("huge", members(6, "h"), 0, Long.MAX_VALUE, cache.generation());
        assertNull(cache.page("huge", 0), "a room bigger than the whole budget is not kept");
        assertEquals(2, cache.page("a", 0).size());
    }

    @Test
    void aPageIsReusedOnlyWithinTheTtlAndNotAfterAChange() {
        var cache = new MembersCache(Duration.ofSeconds(1), nanos::get, 100);
        long generation = cache.generation();
        cache.forget("other"); // a change anywhere while a read ran
        cache.keep("a", members(1, "a"), 0, Long.MAX_VALUE, generation);
        assertNull(cache.page("a", 0));
        cache.keep("a", members(1, "a"), 0, Long.MAX_VALUE, cache.generation());
        nanos.set(Duration.ofMillis(999).toNanos());
        assertEquals(1, cache.page("a", 0).size());
        nanos.set(Duration.ofSeconds(1).toNanos());
        assertNull(cache.page("a", 0));
    }

    @Test
    void aPageIsDroppedOnceItsFirstMemberLapses() {
        var cache = new MembersCache(Duration.ofHours(1), nanos::get, 100);
        cache.keep("a", members(2, "a"), 0, 1_000, cache.generation());
        assertEquals(2, cache.page("a", 999).size());
        assertNull(cache.page("a", 1_000), "at the earliest membership expiry the page is read again");
    }
}
