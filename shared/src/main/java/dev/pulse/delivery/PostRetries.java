package dev.pulse.delivery;

import dev.pulse.support.Backoff;
import java.time.Duration;

/**
 * How often a post that may succeed later (throttled, 5xx, no answer) is tried before it is recorded as undelivered.
 * The retries of one delivery go in rounds: every post still failing after a round is posted again after one pause
 * drawn from {@code backoff} (with jitter), so a throttled fan-out backs off as a whole. The budget is bounded: at most
 * {@code attempts} posts per connection and the sum of {@code attempts - 1} pause caps of waiting.
 *
 * @param attempts posts per connection at most, the first included (1: no retries)
 * @param backoff  the pause before each round of retries
 */
public record PostRetries(int attempts, Backoff backoff) {
    /** 4 attempts, pauses of at most 100, 200 and 400 ms: at most 0.7 s of waiting per delivery (the configuration's default). */
    public static final PostRetries DEFAULT = new PostRetries(4, new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2)));

    public PostRetries {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
        }
        java.util.Objects.requireNonNull(backoff, "backoff");
    }

    /** The longest a delivery waits in pauses: the sum of the caps. */
    public Duration maxWaiting() {
        Duration total = Duration.ZERO;
        for (int retry = 1; retry < attempts; retry++) {
            total = total.plus(backoff.cap(retry));
        }
        return total;
    }
}
