package dev.pulse.local;

import dev.pulse.config.Env;
import java.time.Duration;
import java.util.Map;

/**
 * Settings of the local runtime, read from the environment in this one place (the handlers' own settings
 * are derived from these and passed to them as the environment map Lambda would give them).
 *
 * @param gatewayPort       WebSocket API + {@code @connections} + demo page (PULSE_LOCAL_PORT, default 8787; 0 = any free)
 * @param eventBusPort      EventBridge-compatible PutEvents endpoint (PULSE_LOCAL_EVENTS_PORT, default 8788)
 * @param dynamoDbPort      DynamoDB Local (PULSE_LOCAL_DYNAMODB_PORT, default 8789)
 * @param stage             API stage in the URL path (PULSE_STAGE, default {@code local})
 * @param jwtSecret         HS256 secret for tokens (PULSE_JWT_SECRET; a fixed development secret by default)
 * @param jwtIssuer         required issuer (PULSE_JWT_ISSUER, default {@code pulse-local})
 * @param jwtAudience       required audience (PULSE_JWT_AUDIENCE, default {@code pulse})
 * @param fanoutConcurrency posts in flight per fan-out (PULSE_FANOUT_CONCURRENCY, default 64)
 * @param idleTimeout       API Gateway's idle timeout (PULSE_LOCAL_IDLE_TIMEOUT_SECONDS, default 600)
 * @param region            region name the SDK clients use (AWS_REGION, default us-east-1)
 * @param fanOutBatch       how events reach the fan-out (PULSE_LOCAL_FANOUT_BATCH): 0 = one per invocation, as the
 *                          rule's direct Lambda target does; N = through the fan-out queue, in batches of up to N, as
 *                          the CDK app's {@code FanOutQueue} does (default {@value #DEFAULT_FANOUT_BATCH})
 * @param handlerSettings   the handlers' own settings passed through unchanged, as the stack would set them:
 *                          {@link #PASSED_THROUGH} (rate limits, allowed origins, retention, the event catalog, …); no
 *                          catalog unless PULSE_CATALOG names one, as a deployment has none unless {@code -c catalog} does
 */
public record LocalSettings(
        int gatewayPort,
        int eventBusPort,
        int dynamoDbPort,
        String stage,
        String jwtSecret,
        String jwtIssuer,
        String jwtAudience,
        int fanoutConcurrency,
        Duration idleTimeout,
        String region,
        int fanOutBatch,
        Map<String, String> handlerSettings) {

    /** The CDK app's default: through the fan-out queue, batches of up to 10 (FanOutQueueSettings.DEFAULT_BATCH_SIZE). */
    public static final int DEFAULT_FANOUT_BATCH = 10;

    /** Handler settings the local runtime takes from its environment and hands to the handlers as they are. */
    public static final java.util.List<String> PASSED_THROUGH = java.util.List.of(
            Env.RATE_LIMITS, Env.MAX_FRAME_BYTES, Env.CLIENT_EVENT_PREFIXES, Env.ALLOWED_ORIGINS,
            Env.EVENT_RETENTION_SECONDS, Env.MEMBERS_CACHE_MS, Env.JWT_USER_CLAIM, Env.JWT_WORKSPACE_CLAIM,
            Env.CONNECTION_TTL_SECONDS, Env.PRESENCE_NAMESPACES, Env.PRESENCE_SIGNAL_LIMIT, Env.PRESENCE_WINDOW_MS,
            Env.CATALOG, Env.UNKNOWN_EVENTS,
            Env.ROOM_ACCESS, Env.ACCESS_HOOK_URL, Env.ACCESS_HOOK_SECRET, Env.ACCESS_HOOK_TIMEOUT_MS,
            Env.ACCESS_HOOK_CACHE_SECONDS, Env.ACCESS_HOOK_DENY_CACHE_SECONDS, Env.JWT_ROOMS_CLAIM,
            Env.AUTH_INTROSPECTION_URL, Env.AUTH_INTROSPECTION_CLIENT_ID, Env.AUTH_INTROSPECTION_CLIENT_SECRET,
            Env.AUTH_INTROSPECTION_TIMEOUT_MS, Env.AUTH_CACHE_SECONDS, Env.AUTH_NEGATIVE_CACHE_SECONDS,
            Env.CONNECT_AUTHORIZER, Env.POST_ATTEMPTS, Env.POST_RETRY_MS,
            Env.BIG_ROOM_THRESHOLD, Env.SHARD_SIZE, Env.SHARD_CHECKPOINT, LocalSettings.SHARD_WORKERS);

    /**
     * The local shard workers' count ({@link #shardWorkers()}): kept among the passed-through settings, so it travels
     * with them; the handlers ignore it.
     */
    public static final String SHARD_WORKERS = "PULSE_LOCAL_SHARD_WORKERS";
    public static final int DEFAULT_SHARD_WORKERS = 4;

    /**
     * The demo's private rooms: {@code private:} rooms need a room token ({@code GET /dev/room-token}), so the demo
     * page can show a refusal and then admission. Only locally, and only when {@code PULSE_ROOM_ACCESS} is not set: a
     * deployment declares no namespace unless told to.
     */
    public static final String DEMO_ROOM_ACCESS = "private=room-token";

    public LocalSettings {
        handlerSettings = Map.copyOf(handlerSettings);
        if (fanOutBatch < 0 || fanOutBatch > 10_000) {
            throw new IllegalArgumentException("fanOutBatch must be 0 (direct) or 1-10000: " + fanOutBatch);
        }
    }

    /** Development only: anyone can mint tokens with it. Set PULSE_JWT_SECRET for anything shared. */
    public static final String DEVELOPMENT_SECRET = "pulse-local-development-secret-not-for-production";

    public static LocalSettings fromEnvironment(Map<String, String> env) {
        var passed = new java.util.HashMap<String, String>();
        PASSED_THROUGH.stream().filter(env::containsKey).forEach(k -> passed.put(k, env.get(k)));
        passed.putIfAbsent(Env.ROOM_ACCESS, DEMO_ROOM_ACCESS);
        // No default catalog: locally as deployed (cdk deploy without -c catalog), every event is delivered by its
        // envelope, unvalidated. A strict default here would dead-letter the events a new user publishes first.
        return new LocalSettings(
                Integer.parseInt(env.getOrDefault("PULSE_LOCAL_PORT", "8787")),
                Integer.parseInt(env.getOrDefault("PULSE_LOCAL_EVENTS_PORT", "8788")),
                Integer.parseInt(env.getOrDefault("PULSE_LOCAL_DYNAMODB_PORT", "8789")),
                env.getOrDefault("PULSE_STAGE", "local"),
                env.getOrDefault(Env.JWT_SECRET, DEVELOPMENT_SECRET),
                env.getOrDefault(Env.JWT_ISSUER, "pulse-local"),
                env.getOrDefault(Env.JWT_AUDIENCE, "pulse"),
                Integer.parseInt(env.getOrDefault(Env.FANOUT_CONCURRENCY, "64")),
                Duration.ofSeconds(Long.parseLong(env.getOrDefault("PULSE_LOCAL_IDLE_TIMEOUT_SECONDS", "600"))),
                env.getOrDefault(Env.REGION, "us-east-1"),
                Integer.parseInt(env.getOrDefault("PULSE_LOCAL_FANOUT_BATCH", Integer.toString(DEFAULT_FANOUT_BATCH))),
                passed);
    }

    /**
     * Every port free-chosen: for tests and benchmarks that run beside anything else. No catalog (the end-to-end
     * tests publish arbitrary event names); add one with {@code withHandlerSetting("PULSE_CATALOG", "hyvve")}.
     */
    public static LocalSettings ephemeral() {
        return new LocalSettings(0, 0, 0, "local", DEVELOPMENT_SECRET, "pulse-local", "pulse", 64, Duration.ofMinutes(10),
                "us-east-1", DEFAULT_FANOUT_BATCH, Map.of(Env.ROOM_ACCESS, DEMO_ROOM_ACCESS));
    }

    /**
     * Concurrent big-room shard workers of the local runtime (PULSE_LOCAL_SHARD_WORKERS, default 4): the in-process
     * stand-in for the worker function's concurrency.
     */
    public int shardWorkers() {
        String value = handlerSettings.get(SHARD_WORKERS);
        int workers = value == null ? DEFAULT_SHARD_WORKERS : Integer.parseInt(value.trim());
        if (workers < 1) {
            throw new IllegalArgumentException(SHARD_WORKERS + " must be at least 1, got " + value);
        }
        return workers;
    }

    public LocalSettings withFanoutConcurrency(int concurrency) {
        return new LocalSettings(gatewayPort, eventBusPort, dynamoDbPort, stage, jwtSecret, jwtIssuer, jwtAudience,
                concurrency, idleTimeout, region, fanOutBatch, handlerSettings);
    }

    /** 0: each event its own fan-out invocation (the rule's direct target); N: the fan-out queue's batches of up to N. */
    public LocalSettings withFanOutBatch(int batch) {
        return new LocalSettings(gatewayPort, eventBusPort, dynamoDbPort, stage, jwtSecret, jwtIssuer, jwtAudience,
                fanoutConcurrency, idleTimeout, region, batch, handlerSettings);
    }

    /** One more handler setting, e.g. {@code withHandlerSetting("PULSE_ALLOWED_ORIGINS", "https://app.example")}. */
    public LocalSettings withHandlerSetting(String name, String value) {
        var settings = new java.util.HashMap<>(handlerSettings);
        settings.put(name, value);
        return new LocalSettings(gatewayPort, eventBusPort, dynamoDbPort, stage, jwtSecret, jwtIssuer, jwtAudience,
                fanoutConcurrency, idleTimeout, region, fanOutBatch, settings);
    }
}
