package dev.pulse.infra;

import dev.pulse.config.Env;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fan-out's delivery settings as construct props (and CDK context keys, {@link DeploySettings}); each becomes the
 * environment variable the core reads. Null keeps the core's default. They go to every function that posts events
 * ({@code PulseConfig}: the fan-out, and {@code $default} for {@code room.publish}).
 *
 * @param postAttempts  posts per connection before it is recorded as undelivered (PULSE_POST_ATTEMPTS; context
 *                      {@code postAttempts}; core default 4)
 * @param postRetryBase the first pause between attempts, doubling with jitter (PULSE_POST_RETRY_MS; context
 *                      {@code postRetryMs}; core default 100 ms)
 * @param membersCache  how long a room's member list may be reused (PULSE_MEMBERS_CACHE_MS; context
 *                      {@code membersCacheMs}; core default 0, off). Deployed, a join, leave or {@code room.remove} in
 *                      another Lambda environment goes unseen for up to this long (PROTOCOL §4.2/§4.3): opt in knowingly.
 */
public record DeliverySettings(Integer postAttempts, Duration postRetryBase, Duration membersCache) {
    public static final DeliverySettings DEFAULTS = new DeliverySettings(null, null, null);

    public DeliverySettings {
        if (postAttempts != null && (postAttempts < 1 || postAttempts > 10)) {
            throw new IllegalArgumentException("postAttempts must be 1-10: " + postAttempts);
        }
        if (postRetryBase != null && (postRetryBase.isNegative() || postRetryBase.toMillis() > 2_000)) {
            throw new IllegalArgumentException("postRetryBase must be 0-2 s (the core's cap): " + postRetryBase);
        }
        if (membersCache != null && (membersCache.isNegative() || membersCache.toMillis() > 60_000)) {
            throw new IllegalArgumentException("membersCache must be 0-60 s: " + membersCache);
        }
    }

    /** The environment variables to set (only those given). */
    Map<String, String> environment() {
        var env = new TreeMap<String, String>();
        if (postAttempts != null) {
            env.put(Env.POST_ATTEMPTS, postAttempts.toString());
        }
        if (postRetryBase != null) {
            env.put(Env.POST_RETRY_MS, Long.toString(postRetryBase.toMillis()));
        }
        if (membersCache != null) {
            env.put(Env.MEMBERS_CACHE_MS, Long.toString(membersCache.toMillis()));
        }
        return env;
    }
}
