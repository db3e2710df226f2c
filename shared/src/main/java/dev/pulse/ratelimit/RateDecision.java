package dev.pulse.ratelimit;

import java.time.Duration;

/** Whether a request may proceed; when not, how long until the window that refused it ends. */
public record RateDecision(boolean allowed, Duration retryAfter, RateLimit limit) {
    public static RateDecision allow(RateLimit limit) {
        return new RateDecision(true, Duration.ZERO, limit);
    }
}
