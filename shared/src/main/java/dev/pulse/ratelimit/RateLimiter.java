package dev.pulse.ratelimit;

import dev.pulse.store.RateCounters;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Per-connection, per-action fixed-window limits, exact across concurrent Lambda invocations: the window a
 * request falls in is counted in the {@link RateCounters}, which refuse once it holds the limit.
 */
public final class RateLimiter {
    private final RateCounters counters;
    private final Clock clock;
    private final RateLimits limits;

    public RateLimiter(RateCounters counters, Clock clock, RateLimits limits) {
        this.counters = counters;
        this.clock = clock;
        this.limits = limits;
    }

    public RateDecision tryAcquire(String connectionId, String action) {
        String bucket = limits.bucketOf(action);
        RateLimit limit = limits.limitOf(bucket);
        long nowMillis = clock.millis();
        long windowMillis = limit.window().toMillis();
        long windowStart = nowMillis - Math.floorMod(nowMillis, windowMillis);
        long windowEnd = windowStart + windowMillis;
        if (counters.tryTake(connectionId, bucket, Instant.ofEpochMilli(windowStart), Instant.ofEpochMilli(windowEnd), limit.max())) {
            return RateDecision.allow(limit);
        }
        return new RateDecision(false, Duration.ofMillis(windowEnd - nowMillis), limit);
    }
}
