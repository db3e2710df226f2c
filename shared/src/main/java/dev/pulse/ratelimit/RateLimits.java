package dev.pulse.ratelimit;

import dev.pulse.protocol.Actions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The limit of each client action, per connection; actions without their own limit (and frames that
 * name no valid action) share the fallback bucket {@code *}.
 */
public record RateLimits(Map<String, RateLimit> perAction, RateLimit fallback) {
    public static final String FALLBACK_BUCKET = "*";

    public RateLimits {
        perAction = Map.copyOf(perAction);
    }

    /** Defaults from the seed systems (HYVVE's gateway), plus a fallback for every other action. */
    public static RateLimits defaults() {
        var limits = new LinkedHashMap<String, RateLimit>();
        limits.put(Actions.PRESENCE_UPDATE, RateLimit.parse("3/10s"));
        limits.put(Actions.TYPING_START, RateLimit.parse("5/5s"));
        limits.put(Actions.TYPING_STOP, RateLimit.parse("5/5s"));
        limits.put(Actions.ROOM_JOIN, RateLimit.parse("5/60s"));
        limits.put(Actions.ROOM_LEAVE, RateLimit.parse("5/60s"));
        limits.put(Actions.SYNC_REQUEST, RateLimit.parse("3/30s"));
        return new RateLimits(limits, RateLimit.parse("30/10s"));
    }

    /**
     * The defaults overridden by a spec such as {@code room.join=10/60s,*=100/10s} (PULSE_RATE_LIMITS);
     * {@code *} sets the fallback.
     */
    public static RateLimits parse(String spec) {
        var defaults = defaults();
        if (spec == null || spec.isBlank()) {
            return defaults;
        }
        var limits = new LinkedHashMap<>(defaults.perAction());
        RateLimit fallback = defaults.fallback();
        for (String entry : spec.split(",")) {
            int eq = entry.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("rate-limit entry must be <action>=<max>/<window>, got '" + entry + "'");
            }
            String action = entry.substring(0, eq).trim();
            RateLimit limit = RateLimit.parse(entry.substring(eq + 1));
            if (FALLBACK_BUCKET.equals(action)) {
                fallback = limit;
            } else {
                limits.put(action, limit);
            }
        }
        return new RateLimits(limits, fallback);
    }

    /** The bucket an action counts against: its own name if it has a limit, else the fallback. */
    public String bucketOf(String action) {
        return action != null && perAction.containsKey(action) ? action : FALLBACK_BUCKET;
    }

    public RateLimit limitOf(String bucket) {
        return perAction.getOrDefault(bucket, fallback);
    }
}
