package dev.pulse.support;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter, the one retry pause of the project (DynamoDB batch leftovers, transaction
 * conflicts, log-head contention, the local bus's target retries). The pause before retry {@code n} is drawn
 * from {@code [cap/2, cap]} ("equal jitter") with {@code cap = min(max, first * 2^(n-1))}, so retries of many
 * writers spread out instead of colliding again, and a retry never comes right away.
 *
 * @param first the cap of the first pause (zero: no pauses, for tests)
 * @param max   the largest pause
 */
public record Backoff(Duration first, Duration max) {
    public Backoff {
        if (first == null || first.isNegative()) {
            throw new IllegalArgumentException("first pause must not be negative, got " + first);
        }
        if (max == null || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("max pause must be at least the first, got " + max);
        }
    }

    /** The cap of the pause before retry {@code attempt} (1 = the first retry). */
    public Duration cap(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt counts from 1, got " + attempt);
        }
        long firstMillis = first.toMillis();
        long shifted = firstMillis << Math.min(attempt - 1, 20);
        return Duration.ofMillis(Math.min(max.toMillis(), shifted));
    }

    /** A pause before retry {@code attempt}, drawn with jitter. */
    public Duration delay(int attempt) {
        long cap = cap(attempt).toMillis();
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
    }

    /** Sleeps {@link #delay}; an interrupt is restored and ends the retrying with an exception. */
    public void pause(int attempt) {
        try {
            Thread.sleep(delay(attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while backing off before retry " + attempt, e);
        }
    }
}
