package dev.pulse.delivery;

/** What became of one frame posted to one connection. */
public enum SendResult {
    DELIVERED,
    /** The connection no longer exists (API Gateway answered 410 Gone): prune it. */
    GONE,
    /** Anything else, after the SDK's own retries (throttling, 5xx, payload too large). */
    FAILED
}
