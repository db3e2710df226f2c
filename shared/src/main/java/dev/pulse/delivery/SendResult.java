package dev.pulse.delivery;

/** What became of one frame posted to one connection. */
public enum SendResult {
    DELIVERED,
    /** The connection no longer exists (API Gateway answered 410 Gone): prune it. */
    GONE,
    /** Throttled (429), a 5xx, a timeout or an I/O error: the same post may succeed later, so it is retried. */
    RETRYABLE,
    /** Refused for good (403, 413, any other 4xx): retrying cannot help. */
    FAILED
}
