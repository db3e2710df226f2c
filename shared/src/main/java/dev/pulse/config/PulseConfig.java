package dev.pulse.config;

import dev.pulse.auth.JwtSettings;
import dev.pulse.ratelimit.RateLimits;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting of the core, read from the environment in this one place. Lambda gets them from the
 * function's environment (set by the CDK stack); the local runtime passes a map pointing at its emulators.
 *
 * @param jwt                 token verification; null when no key source is configured (only {@code $connect} needs one)
 * @param connectionsTable    DynamoDB table holding connections and room memberships
 * @param connectionTtl       how long a connection record lives without a {@code $disconnect}
 * @param fanoutConcurrency   at most this many {@code @connections} POSTs in flight per fan-out
 * @param region              AWS region for every client
 * @param managementEndpoint  the {@code @connections} callback URL (https://{api}.execute-api.{region}.amazonaws.com/{stage}); null = derive from the event
 * @param dynamoDbEndpoint    endpoint override (local), or null for the regional endpoint
 * @param eventBridgeEndpoint endpoint override (local), or null
 * @param eventBusName        the bus the publisher writes to and the rule listens on
 * @param rateLimits          per-connection limits per action (PULSE_RATE_LIMITS, e.g. {@code room.join=10/60s,*=60/10s})
 * @param maxFrameBytes       largest client frame accepted (PULSE_MAX_FRAME_BYTES, default 32 KiB: one API Gateway frame)
 * @param clientEventPrefixes event names clients may publish to rooms must start with one of these
 *                            (PULSE_CLIENT_EVENT_PREFIXES, comma-separated, default {@code client.})
 * @param allowedOrigins      browser origins allowed to connect (PULSE_ALLOWED_ORIGINS, comma-separated, e.g.
 *                            {@code https://app.example.com}); empty = any. Requests without an Origin header
 *                            (servers, mobile apps) are not affected.
 * @param presenceNamespaces  room namespaces with presence (PULSE_PRESENCE_NAMESPACES, comma-separated, default
 *                            {@code workspace,chat,channel}; empty turns presence off). Every first connect and
 *                            last disconnect of a user is posted to each such room's members.
 * @param presenceSignalLimit rooms with more connections than this get no presence signals (presence.list still
 *                            answers): PULSE_PRESENCE_SIGNAL_LIMIT, default 1000. Each signal is a post per member,
 *                            so without a bound a workspace-wide reconnect would cost members² posts.
 */
public record PulseConfig(
        JwtSettings jwt,
        String connectionsTable,
        Duration connectionTtl,
        int fanoutConcurrency,
        String region,
        URI managementEndpoint,
        URI dynamoDbEndpoint,
        URI eventBridgeEndpoint,
        String eventBusName,
        RateLimits rateLimits,
        int maxFrameBytes,
        java.util.List<String> clientEventPrefixes,
        java.util.List<String> allowedOrigins,
        java.util.Set<String> presenceNamespaces,
        int presenceSignalLimit) {

    /** API Gateway closes every connection after 2 h; 10 min of slack covers clock skew and late disconnects. */
    public static final Duration DEFAULT_CONNECTION_TTL = Duration.ofMinutes(130);

    public static final String DEFAULT_PRESENCE_NAMESPACES = "workspace,chat,channel";

    public static PulseConfig fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    public static PulseConfig fromEnvironment(Map<String, String> env) {
        boolean hasKeySource = !blank(env.get("PULSE_JWT_SECRET")) || !blank(env.get("PULSE_JWT_JWKS_URL"));
        // Only $connect verifies tokens; the other functions run without any key material.
        var jwt = !hasKeySource ? null : new JwtSettings(
                env.get("PULSE_JWT_SECRET"),
                uri(env.get("PULSE_JWT_JWKS_URL")),
                blankToNull(env.get("PULSE_JWT_ISSUER")),
                blankToNull(env.get("PULSE_JWT_AUDIENCE")),
                env.get("PULSE_JWT_USER_CLAIM"),
                env.get("PULSE_JWT_WORKSPACE_CLAIM"),
                seconds(env.get("PULSE_JWT_CLOCK_SKEW_SECONDS")),
                seconds(env.get("PULSE_JWT_JWKS_CACHE_SECONDS")));
        return new PulseConfig(
                jwt,
                env.getOrDefault("PULSE_CONNECTIONS_TABLE", "pulse-connections"),
                Optional.ofNullable(seconds(env.get("PULSE_CONNECTION_TTL_SECONDS"))).orElse(DEFAULT_CONNECTION_TTL),
                Integer.parseInt(env.getOrDefault("PULSE_FANOUT_CONCURRENCY", "64")),
                env.getOrDefault("AWS_REGION", "us-east-1"),
                uri(env.get("PULSE_MANAGEMENT_ENDPOINT")),
                uri(env.get("PULSE_DYNAMODB_ENDPOINT")),
                uri(env.get("PULSE_EVENTBRIDGE_ENDPOINT")),
                env.getOrDefault("PULSE_EVENT_BUS", "default"),
                RateLimits.parse(env.get("PULSE_RATE_LIMITS")),
                Integer.parseInt(env.getOrDefault("PULSE_MAX_FRAME_BYTES", "32768")),
                list(env.getOrDefault("PULSE_CLIENT_EVENT_PREFIXES", "client.")),
                list(env.getOrDefault("PULSE_ALLOWED_ORIGINS", "")),
                java.util.Set.copyOf(list(env.getOrDefault("PULSE_PRESENCE_NAMESPACES", DEFAULT_PRESENCE_NAMESPACES))),
                Integer.parseInt(env.getOrDefault("PULSE_PRESENCE_SIGNAL_LIMIT", "1000").trim()));
    }

    private static java.util.List<String> list(String commaSeparated) {
        return java.util.Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static URI uri(String value) {
        return value == null || value.isBlank() ? null : URI.create(value.trim());
    }

    private static Duration seconds(String value) {
        return value == null || value.isBlank() ? null : Duration.ofSeconds(Long.parseLong(value.trim()));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
