package dev.pulse.infra;

import dev.pulse.catalog.EventCatalog;
import dev.pulse.config.Env;
import dev.pulse.config.PulseConfig;
import dev.pulse.room.AccessMode;
import dev.pulse.room.AccessPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import software.amazon.awscdk.Token;

/**
 * Who may join which rooms (PROTOCOL §5.1, docs/ACCESS.md), as construct props; each becomes a variable the core
 * reads (names in {@link Env}). Checked at synthesis: a bad spec or URL fails {@code cdk synth}, not the first join.
 * The props builder sets them one by one ({@code roomAccess}, {@code accessHookUrl}, {@code accessHookTimeout},
 * {@code accessHookCacheTtl}, {@code accessHookDenyCacheTtl}, {@code roomsClaim}); the hook's signing secret is a
 * Secrets Manager secret given beside them ({@code accessHookSecret}, context {@code accessHookSecretId}).
 *
 * @param roomAccess       access mode per namespace, e.g. {@code chat=room-token,project=hook,*=grant}
 *                         ({@link Env#ROOM_ACCESS}); over the catalog's {@code access}, per namespace; null = none
 * @param hookUrl          the app's access hook, https ({@link Env#ACCESS_HOOK_URL}); required when a namespace is
 *                         {@code hook}, here or in the catalog
 * @param hookTimeout      how long a hook call may take ({@link Env#ACCESS_HOOK_TIMEOUT_MS}); null = the core's 1 s
 * @param hookCacheTtl     how long an allow is reused without the hook's own TTL ({@link Env#ACCESS_HOOK_CACHE_SECONDS});
 *                         null = the core's 60 s
 * @param hookDenyCacheTtl how long a deny is reused at most ({@link Env#ACCESS_HOOK_DENY_CACHE_SECONDS}); null = 5 s
 * @param roomsClaim       the JWT claim holding a token's room grants ({@link Env#JWT_ROOMS_CLAIM}); null = {@code rooms}
 */
public record RoomAccessSettings(
        String roomAccess,
        String hookUrl,
        Duration hookTimeout,
        Duration hookCacheTtl,
        Duration hookDenyCacheTtl,
        String roomsClaim) {

    public static final RoomAccessSettings NONE = new RoomAccessSettings(null, null, null, null, null, null);
    /** A room.join waits for the hook, and the web client gives a request 15 s: a longer wait helps nobody. */
    static final Duration MAX_HOOK_TIMEOUT = Duration.ofSeconds(10);

    public RoomAccessSettings {
        roomAccess = blankToNull(roomAccess);
        hookUrl = blankToNull(hookUrl);
        roomsClaim = blankToNull(roomsClaim);
        if (roomAccess != null) {
            try {
                AccessPolicy.parse(roomAccess);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("roomAccess (context roomAccess): " + e.getMessage()
                        + "; expected e.g. chat=room-token,project=hook,*=grant", e);
            }
        }
        if (hookUrl != null && !Token.isUnresolved(hookUrl)) {
            requireHttps(hookUrl);
        }
        if (hookTimeout != null && (hookTimeout.toMillis() < 1 || hookTimeout.compareTo(MAX_HOOK_TIMEOUT) > 0)) {
            throw new IllegalArgumentException("accessHookTimeout (context accessHookTimeoutMs) must be 1 ms to 10 s (a "
                    + "room.join waits for the hook): " + hookTimeout.toMillis() + " ms");
        }
        requireCacheSeconds(hookCacheTtl, "accessHookCacheTtl (context accessHookCacheSeconds)");
        requireCacheSeconds(hookDenyCacheTtl, "accessHookDenyCacheTtl (context accessHookDenyCacheSeconds)");
    }

    /**
     * The policy the functions enforce: the catalog's {@code access} with {@code roomAccess} on top, by the rule the
     * functions apply at run time ({@link PulseConfig.Access#effective}); null when neither declares anything.
     */
    AccessPolicy policy(EventCatalog catalog) {
        var declared = catalog == null ? null : catalog.access().orElse(null);
        if (roomAccess == null && declared == null) {
            return null;
        }
        var deployment = roomAccess == null ? AccessPolicy.open() : AccessPolicy.parse(roomAccess);
        return PulseConfig.Access.effective(deployment, PulseConfig.Access.namesFallback(roomAccess), declared);
    }

    /**
     * Hook settings exactly when a namespace is {@code hook}: without them such rooms could never be joined (and the
     * functions would not start); with them and no hook namespace, something is misspelt.
     *
     * @param hookSecret whether {@code accessHookSecret} is set
     */
    void check(AccessPolicy policy, EventCatalog catalog, boolean hookSecret) {
        boolean usesHook = policy != null && policy.uses(AccessMode.HOOK);
        if (usesHook && (hookUrl == null || !hookSecret)) {
            var namespaces = hookNamespaces(policy);
            throw new IllegalArgumentException(source(policy, catalog) + " has hook namespaces (" + String.join(", ", namespaces)
                    + "), so accessHookUrl and accessHookSecret are required (context accessHookUrl and accessHookSecretId, "
                    + "a Secrets Manager secret holding at least 32 bytes); or give those namespaces another mode in "
                    + "roomAccess (e.g. -c roomAccess=" + namespaces.stream().map(n -> n + "=grant")
                    .collect(Collectors.joining(",")) + ")");
        }
        if (!usesHook && (hookUrl != null || hookSecret || hookTimeout != null || hookCacheTtl != null
                || hookDenyCacheTtl != null)) {
            throw new IllegalArgumentException("accessHook* settings are set, but no namespace's access mode is hook ("
                    + (policy == null ? "no roomAccess and no catalog access" : "in force: " + policy.spec())
                    + "); remove them, or declare the hook namespaces in roomAccess");
        }
    }

    /** {@code $default}'s and polling's variables (less the hook secret's ARN, which the construct adds). */
    Map<String, String> environment(AccessPolicy policy) {
        var env = new TreeMap<String, String>();
        if (policy == null) {
            return env;
        }
        // The policy in force, not the prop: these functions get no catalog, and their configuration then shows it.
        env.put(Env.ROOM_ACCESS, policy.spec());
        if (hookUrl != null) {
            env.put(Env.ACCESS_HOOK_URL, hookUrl);
        }
        if (hookTimeout != null) {
            env.put(Env.ACCESS_HOOK_TIMEOUT_MS, Long.toString(hookTimeout.toMillis()));
        }
        if (hookCacheTtl != null) {
            env.put(Env.ACCESS_HOOK_CACHE_SECONDS, Long.toString(hookCacheTtl.toSeconds()));
        }
        if (hookDenyCacheTtl != null) {
            env.put(Env.ACCESS_HOOK_DENY_CACHE_SECONDS, Long.toString(hookDenyCacheTtl.toSeconds()));
        }
        return env;
    }

    private String source(AccessPolicy policy, EventCatalog catalog) {
        boolean fromCatalog = catalog != null && catalog.access().map(a -> a.uses(AccessMode.HOOK)).orElse(false);
        boolean fromProp = roomAccess != null && AccessPolicy.parse(roomAccess).uses(AccessMode.HOOK);
        if (fromCatalog && fromProp) {
            return "roomAccess and event catalog " + catalog.app();
        }
        return fromProp ? "roomAccess" : "event catalog " + catalog.app() + " (" + catalog.origin() + ")";
    }

    private static TreeSet<String> hookNamespaces(AccessPolicy policy) {
        var namespaces = new TreeSet<String>();
        policy.modes().forEach((namespace, mode) -> {
            if (mode == AccessMode.HOOK) {
                namespaces.add(namespace);
            }
        });
        if (policy.fallback() == AccessMode.HOOK) {
            namespaces.add(AccessPolicy.FALLBACK);
        }
        return namespaces;
    }

    private static void requireHttps(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("accessHookUrl (context accessHookUrl) is not a valid URL: " + url, e);
        }
        // The questions are signed, but who asks about which room, and the answers, are the app's data: TLS only.
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("accessHookUrl (context accessHookUrl) must be an absolute https:// URL: " + url);
        }
    }

    private static void requireCacheSeconds(Duration ttl, String name) {
        if (ttl != null && (ttl.toMillis() % 1000 != 0 || ttl.toSeconds() < 1 || ttl.compareTo(PulseConfig.Access.MAX_TTL) > 0)) {
            throw new IllegalArgumentException(name + " must be whole seconds from 1 s to 1 h: " + ttl);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
