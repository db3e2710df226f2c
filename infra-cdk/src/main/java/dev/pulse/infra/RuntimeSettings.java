package dev.pulse.infra;

import dev.pulse.config.Env;
import dev.pulse.ratelimit.RateLimits;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the deployed handlers behave, as construct props; each becomes the environment variable the core
 * reads ({@code PulseConfig}, names in {@code Env}). Null or empty means the core's default. Checked at
 * synthesis, so a bad rate-limit spec fails {@code cdk synth}, not the first request.
 *
 * @param userClaim           JWT claim with the user id (PULSE_JWT_USER_CLAIM; default {@code sub})
 * @param workspaceClaim      JWT claim with the workspace id (PULSE_JWT_WORKSPACE_CLAIM; default {@code workspaceId})
 * @param eventRetention      how long the event log keeps events for sync (PULSE_EVENT_RETENTION_SECONDS; default 24 h)
 * @param rateLimits          per-connection limits, e.g. {@code room.join=10/60s,*=60/10s} (PULSE_RATE_LIMITS)
 * @param allowedOrigins      browser origins allowed to connect (PULSE_ALLOWED_ORIGINS; empty = any)
 * @param clientEventPrefixes event-name prefixes clients may publish with room.publish (PULSE_CLIENT_EVENT_PREFIXES)
 * @param presenceNamespaces  room namespaces with presence (PULSE_PRESENCE_NAMESPACES); null = the core's default
 *                            ({@code workspace,chat,channel}), empty = presence off
 * @param presenceSignalLimit rooms with more connections get no presence signals (PULSE_PRESENCE_SIGNAL_LIMIT);
 *                            null = the core's default (1000)
 */
public record RuntimeSettings(
        String userClaim,
        String workspaceClaim,
        Duration eventRetention,
        String rateLimits,
        List<String> allowedOrigins,
        List<String> clientEventPrefixes,
        List<String> presenceNamespaces,
        Integer presenceSignalLimit) {

    public static final RuntimeSettings DEFAULTS = new RuntimeSettings(null, null, null, null, List.of(), List.of(), null, null);

    public RuntimeSettings(String userClaim, String workspaceClaim, Duration eventRetention, String rateLimits,
                           List<String> allowedOrigins, List<String> clientEventPrefixes, List<String> presenceNamespaces) {
        this(userClaim, workspaceClaim, eventRetention, rateLimits, allowedOrigins, clientEventPrefixes, presenceNamespaces, null);
    }

    public RuntimeSettings(String userClaim, String workspaceClaim, Duration eventRetention, String rateLimits,
                           List<String> allowedOrigins, List<String> clientEventPrefixes) {
        this(userClaim, workspaceClaim, eventRetention, rateLimits, allowedOrigins, clientEventPrefixes, null, null);
    }

    public RuntimeSettings {
        allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
        clientEventPrefixes = clientEventPrefixes == null ? List.of() : List.copyOf(clientEventPrefixes);
        presenceNamespaces = presenceNamespaces == null ? null : List.copyOf(presenceNamespaces);
        for (String namespace : presenceNamespaces == null ? List.<String>of() : presenceNamespaces) {
            if (!namespace.matches("[a-z][a-z0-9_-]{0,31}")) {
                throw new IllegalArgumentException("presence namespaces are room namespaces (a-z0-9_-): " + namespace);
            }
        }
        if (presenceSignalLimit != null && presenceSignalLimit < 0) {
            throw new IllegalArgumentException("presenceSignalLimit must not be negative: " + presenceSignalLimit);
        }
        if (rateLimits != null && !rateLimits.isBlank()) {
            RateLimits.parse(rateLimits); // throws with a clear message
        }
        if (eventRetention != null && eventRetention.toSeconds() < 60) {
            throw new IllegalArgumentException("eventRetention must be at least 1 minute: " + eventRetention);
        }
        for (String origin : allowedOrigins) {
            if (!origin.matches("https?://[^/\\s]+")) {
                throw new IllegalArgumentException("allowed origins are scheme://host[:port] with no path: " + origin);
            }
        }
    }

    /** The environment variables to set (only those that differ from the core's defaults). */
    Map<String, String> environment() {
        var env = new TreeMap<String, String>();
        put(env, Env.JWT_USER_CLAIM, userClaim);
        put(env, Env.JWT_WORKSPACE_CLAIM, workspaceClaim);
        put(env, Env.EVENT_RETENTION_SECONDS, eventRetention == null ? null : Long.toString(eventRetention.toSeconds()));
        put(env, Env.RATE_LIMITS, rateLimits);
        put(env, Env.ALLOWED_ORIGINS, allowedOrigins.isEmpty() ? null : String.join(",", allowedOrigins));
        put(env, Env.CLIENT_EVENT_PREFIXES, clientEventPrefixes.isEmpty() ? null : String.join(",", clientEventPrefixes));
        if (presenceNamespaces != null) {
            // Set even when empty: an empty value turns presence off, an absent one keeps the default.
            env.put(Env.PRESENCE_NAMESPACES, String.join(",", presenceNamespaces));
        }
        put(env, Env.PRESENCE_SIGNAL_LIMIT, presenceSignalLimit == null ? null : presenceSignalLimit.toString());
        return env;
    }

    private static void put(Map<String, String> env, String name, String value) {
        if (value != null && !value.isBlank()) {
            env.put(name, value);
        }
    }
}
