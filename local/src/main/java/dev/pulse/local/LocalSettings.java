package dev.pulse.local;

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
        String region) {

    /** Development only: anyone can mint tokens with it. Set PULSE_JWT_SECRET for anything shared. */
    public static final String DEVELOPMENT_SECRET = "pulse-local-development-secret-not-for-production";

    public static LocalSettings fromEnvironment(Map<String, String> env) {
        return new LocalSettings(
                Integer.parseInt(env.getOrDefault("PULSE_LOCAL_PORT", "8787")),
                Integer.parseInt(env.getOrDefault("PULSE_LOCAL_EVENTS_PORT", "8788")),
                Integer.parseInt(env.getOrDefault("PULSE_LOCAL_DYNAMODB_PORT", "8789")),
                env.getOrDefault("PULSE_STAGE", "local"),
                env.getOrDefault("PULSE_JWT_SECRET", DEVELOPMENT_SECRET),
                env.getOrDefault("PULSE_JWT_ISSUER", "pulse-local"),
                env.getOrDefault("PULSE_JWT_AUDIENCE", "pulse"),
                Integer.parseInt(env.getOrDefault("PULSE_FANOUT_CONCURRENCY", "64")),
                Duration.ofSeconds(Long.parseLong(env.getOrDefault("PULSE_LOCAL_IDLE_TIMEOUT_SECONDS", "600"))),
                env.getOrDefault("AWS_REGION", "us-east-1"));
    }

    /** Every port free-chosen: for tests and benchmarks that run beside anything else. */
    public static LocalSettings ephemeral() {
        return new LocalSettings(0, 0, 0, "local", DEVELOPMENT_SECRET, "pulse-local", "pulse", 64, Duration.ofMinutes(10), "us-east-1");
    }

    public LocalSettings withFanoutConcurrency(int concurrency) {
        return new LocalSettings(gatewayPort, eventBusPort, dynamoDbPort, stage, jwtSecret, jwtIssuer, jwtAudience,
                concurrency, idleTimeout, region);
    }
}
