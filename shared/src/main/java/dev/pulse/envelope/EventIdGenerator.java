package dev.pulse.envelope;

import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Time-ordered unique ids in the UUIDv7 layout (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit
 * counter, then 62 random bits. Ids from one generator sort strictly by creation, as strings and as UUIDs,
 * even within one millisecond (the counter spills into the timestamp if more than 4096 are made in one
 * millisecond, as the RFC allows), and ids from different processes sort by millisecond. Sorting by time
 * keeps event logs and DynamoDB keys in publish order and makes ids readable in logs.
 */
public final class EventIdGenerator {
    private static final int COUNTER_BITS = 12;

    private final Clock clock;
    /** The last (millis << 12 | counter) handed out; only ever grows. */
    private final AtomicLong last = new AtomicLong();

    public EventIdGenerator() {
        this(Clock.systemUTC());
    }

    public EventIdGenerator(Clock clock) {
        this.clock = clock;
    }

    public String next() {
        long now = clock.millis() << COUNTER_BITS;
        long stamp = last.updateAndGet(previous -> Math.max(previous + 1, now));
        long millis = stamp >>> COUNTER_BITS;
        long counter = stamp & ((1L << COUNTER_BITS) - 1);
        long mostSignificant = (millis << 16) | 0x7000L | counter;
        long random = ThreadLocalRandom.current().nextLong();
        long leastSignificant = (random & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(mostSignificant, leastSignificant).toString();
    }

    /** The Unix milliseconds embedded in an id made by this class. */
    public static long millisOf(String id) {
        return UUID.fromString(id).getMostSignificantBits() >>> 16;
    }
}
