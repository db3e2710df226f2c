package dev.pulse.config;

import dev.pulse.auth.ClaimNames;
import dev.pulse.auth.JwtSettings;
import dev.pulse.catalog.EventCatalog;
import dev.pulse.catalog.UnknownEvents;
import dev.pulse.ratelimit.RateLimits;
import dev.pulse.room.AccessMode;
import dev.pulse.room.AccessPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Every setting of the core, read from the environment in this one place ({@link #fromEnvironment}), by group.
 * Lambda gets the variables from the function's environment (set by the CDK construct); the local runtime passes a
 * map pointing at its emulators. The names are in {@link Env}; a bad value fails at start naming its variable.
 *
 * @param aws         region, endpoints and bus
 * @param jwt         token verification; null when no key source is configured (only {@code $connect}, {@code $default}'s
 *                    {@code auth.refresh} and the polling endpoint need one)
 * @param tables      DynamoDB tables
 * @param connections what a connection may do and how long its record lives
 * @param rateLimits  per-connection limits per action ({@link Env#RATE_LIMITS}, e.g. {@code room.join=10/60s,*=60/10s})
 * @param delivery    the fan-out
 * @param presence    presence rooms and their signals
 * @param catalog     the event catalog the fan-out validates and routes with
 * @param access      who may do what in the rooms of each namespace
 * @param introspection opaque session tokens checked by the app's RFC 7662 endpoint; null when not configured
 * @param bigRooms    when and how one event's delivery to a big room is split over worker invocations
 */
public record PulseConfig(Aws aws, JwtSettings jwt, Tables tables, Connections connections, RateLimits rateLimits,
                          Delivery delivery, Presence presence, Catalog catalog, Access access, Introspection introspection,
                          String metricsNamespace, BigRooms bigRooms) {

    /** API Gateway closes every connection after 2 h; 10 min of slack covers clock skew and late disconnects. */
    public static final Duration DEFAULT_CONNECTION_TTL = Duration.ofMinutes(130);
    public static final String DEFAULT_PRESENCE_NAMESPACES = "workspace,chat,channel";
    /**
     * With one diff per member per window (not one post per arrival) a room's presence costs members posts per window,
     * so the bound sits where one flush invocation still posts a diff to every member in a few seconds.
     */
    public static final int DEFAULT_PRESENCE_SIGNAL_LIMIT = 5000;
    /**
     * Phoenix Presence broadcasts its deltas every ~1.5 s. It is also what a reconnect takes: the web client's first
     * retry waits 0.5–1 s (backoff 1 s, equal jitter) and connects in a few hundred ms, so the leave of the old
     * connection and the join of the new fall in one window and cancel out (API Gateway ends every connection at 2 h).
     */
    public static final Duration DEFAULT_PRESENCE_WINDOW = Duration.ofMillis(1500);
    public static final Duration DEFAULT_EVENT_RETENTION = Duration.ofHours(24);
    /**
     * Off by default where deployed: on AWS joins, leaves and room.remove run in other Lambda environments than the
     * fan-out, so a reused member list could miss a new member or reach a removed one for up to its TTL (revocation must
     * take effect at once). A deployment opts in with PULSE_MEMBERS_CACHE_MS; the local runtime, one process whose
     * stores forget a room's page on every change, turns it on (LocalSystem).
     */
    public static final Duration DEFAULT_MEMBERS_CACHE = Duration.ZERO;
    public static final String DEFAULT_CONNECTIONS_TABLE = "pulse-connections";
    public static final String DEFAULT_EVENTS_TABLE = "pulse-events";
    /** One API Gateway WebSocket frame. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 32 * 1024;
    public static final int DEFAULT_FANOUT_CONCURRENCY = 64;
    /** The CloudWatch namespace of the EMF metrics (README, "Metrics"). */
    public static final String DEFAULT_METRICS_NAMESPACE = "Pulse";

    public PulseConfig {
        Objects.requireNonNull(aws, "aws");
        Objects.requireNonNull(tables, "tables");
        Objects.requireNonNull(connections, "connections");
        Objects.requireNonNull(rateLimits, "rateLimits");
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(presence, "presence");
        Objects.requireNonNull(catalog, "catalog");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(bigRooms, "bigRooms");
    }

    /**
     * Big rooms (docs/SCALING.md): a logged event's room with more than {@code threshold} members is not posted to by
     * the fan-out itself; its membership is read page by page and handed out in shards of at most {@code shardSize}
     * connections to worker invocations, each recording its progress after every {@code checkpointEvery} posts.
     *
     * @param threshold       members of one room above which it is split ({@link Env#BIG_ROOM_THRESHOLD}, default 2,000)
     * @param shardSize       connections per shard at most ({@link Env#SHARD_SIZE}, default 1,000, at most
     *                        {@link #MAX_SHARD_SIZE}: a shard travels as one SQS message)
     * @param checkpointEvery posts between two progress records of a worker ({@link Env#SHARD_CHECKPOINT}, default 250,
     *                        at most the shard size): a worker that dies repeats at most this many posts on its retry
     * @param queueUrl        the SQS queue the shards go through ({@link Env#SHARD_QUEUE_URL}); null: no queue here
     *                        (the local runtime hands shards to in-process workers instead)
     * @param lease           how long a worker's claim on a shard lasts without renewal ({@link Env#SHARD_LEASE_MS},
     *                        default 20 s: the worker function's timeout; the queue's visibility timeout is longer, so a
     *                        dead worker's claim has run out when its shard is received again)
     */
    public record BigRooms(int threshold, int shardSize, int checkpointEvery, String queueUrl, Duration lease) {
        public static final int DEFAULT_THRESHOLD = 2_000;
        public static final int DEFAULT_SHARD_SIZE = 1_000;
        public static final int DEFAULT_CHECKPOINT_EVERY = 250;
        /** About 100 KB of connection ids and user ids: with the event itself, well inside one 256 KB SQS message. */
        public static final int MAX_SHARD_SIZE = 2_000;
        public static final Duration DEFAULT_LEASE = Duration.ofSeconds(20);

        public BigRooms {
            if (threshold < 1) {
                throw new ConfigException(Env.BIG_ROOM_THRESHOLD + " must be at least 1, got " + threshold);
            }
            if (shardSize < 1 || shardSize > MAX_SHARD_SIZE) {
                throw new ConfigException(Env.SHARD_SIZE + " must be between 1 and " + MAX_SHARD_SIZE + ", got " + shardSize);
            }
            if (checkpointEvery < 1 || checkpointEvery > shardSize) {
                throw new ConfigException(Env.SHARD_CHECKPOINT + " must be between 1 and the shard size (" + shardSize
                        + "), got " + checkpointEvery);
            }
        }

        public static BigRooms defaults() {
            return new BigRooms(DEFAULT_THRESHOLD, DEFAULT_SHARD_SIZE, DEFAULT_CHECKPOINT_EVERY, null, DEFAULT_LEASE);
        }
    }

    /**
     * @param policy       the access mode of each room namespace ({@link Env#ROOM_ACCESS}, e.g.
     *                     {@code chat=room-token,project=hook,*=open}; default every namespace open)
     * @param hookUrl      the app's access hook, for {@code hook} namespaces ({@link Env#ACCESS_HOOK_URL})
     * @param hookSecret   signs every hook request ({@link Env#ACCESS_HOOK_SECRET}, at least 32 bytes)
     * @param hookTimeout  how long a hook call may take before access is refused ({@link Env#ACCESS_HOOK_TIMEOUT_MS},
     *                     default 1,000 ms)
     * @param allowTtl     how long an allow is reused when the hook names no TTL ({@link Env#ACCESS_HOOK_CACHE_SECONDS},
     *                     default 60 s; the hook's own {@code ttlSeconds} is capped at an hour)
     * @param denyTtl      how long a deny is reused, at most ({@link Env#ACCESS_HOOK_DENY_CACHE_SECONDS}, default 5 s);
     *                     a failure is never reused
     * @param namesFallback whether {@link Env#ROOM_ACCESS} names {@code *} itself: only then does its {@code *} override
     *                     an event catalog's ({@link #effective})
     */
    /**
     * @param url          the app's OAuth 2.0 token introspection endpoint ({@link Env#AUTH_INTROSPECTION_URL})
     * @param clientId     Pulse's client id there ({@link Env#AUTH_INTROSPECTION_CLIENT_ID})
     * @param clientSecret and secret ({@link Env#AUTH_INTROSPECTION_CLIENT_SECRET}), sent with HTTP Basic
     * @param timeout      per call ({@link Env#AUTH_INTROSPECTION_TIMEOUT_MS}, default 2,000 ms; a $connect waits for it)
     * @param cacheTtl     an active token's answer is reused this long at most, never past its exp
     *                     ({@link Env#AUTH_CACHE_SECONDS}, default 60 s)
     * @param negativeTtl  a refusal is reused this long ({@link Env#AUTH_NEGATIVE_CACHE_SECONDS}, default 10 s)
     * @param claimNames   where the identity is in the answer: the JWT claim names' variables apply here too
     */
    public record Introspection(URI url, String clientId, String clientSecret, Duration timeout, Duration cacheTtl,
                                Duration negativeTtl, ClaimNames claimNames) {
        public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(2000);
        public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(60);
        public static final Duration DEFAULT_NEGATIVE_TTL = Duration.ofSeconds(10);

        public Introspection {
            if (clientId == null || clientSecret == null) {
                throw new ConfigException(Env.AUTH_INTROSPECTION_URL + " is set, so " + Env.AUTH_INTROSPECTION_CLIENT_ID
                        + " and " + Env.AUTH_INTROSPECTION_CLIENT_SECRET + " are required");
            }
        }
    }

    public record Access(AccessPolicy policy, URI hookUrl, String hookSecret, Duration hookTimeout, Duration allowTtl,
                         Duration denyTtl, boolean namesFallback) {
        public static final Duration DEFAULT_HOOK_TIMEOUT = Duration.ofMillis(1000);
        public static final Duration DEFAULT_ALLOW_TTL = Duration.ofSeconds(60);
        public static final Duration DEFAULT_DENY_TTL = Duration.ofSeconds(5);
        public static final Duration MAX_TTL = Duration.ofHours(1);

        public Access {
            Objects.requireNonNull(policy, "policy");
            if (policy.uses(AccessMode.HOOK) && (hookUrl == null || hookSecret == null)) {
                throw new ConfigException(Env.ROOM_ACCESS + " declares hook namespaces (" + policy.spec() + "), so "
                        + Env.ACCESS_HOOK_URL + " and " + Env.ACCESS_HOOK_SECRET + " are required");
            }
            if (hookSecret != null && hookSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
                throw new ConfigException(Env.ACCESS_HOOK_SECRET + " must be at least 32 bytes");
            }
        }

        /** The policy in force with an event catalog: {@link #effective} of this deployment's over the catalog's. */
        public AccessPolicy policyWith(EventCatalog catalog) {
            return catalog == null ? policy : effective(policy, namesFallback, catalog.access().orElse(null));
        }

        /**
         * An app's contract and a deployment's say in one policy (docs/CATALOG.md, "Room access"): the catalog declares
         * the modes of its namespaces; each namespace the deployment names takes the deployment's mode instead; the
         * deployment's {@code *} applies when it names one, otherwise the catalog's (open when neither names it). So an
         * operator can tighten or loosen one namespace without copying the rest, and a catalog's closed {@code *} is
         * not reopened by a deployment that never mentioned {@code *}.
         *
         * @param catalog the catalog's declaration, or null for none (the deployment's policy is then the whole answer)
         */
        public static AccessPolicy effective(AccessPolicy deployment, boolean deploymentNamesFallback, AccessPolicy catalog) {
            if (catalog == null) {
                return deployment;
            }
            var merged = catalog.with(deployment.modes());
            return deploymentNamesFallback ? new AccessPolicy(merged.modes(), deployment.fallback()) : merged;
        }

        /** Whether a {@link Env#ROOM_ACCESS} value names {@code *} (an entry {@code *=<mode>}). */
        public static boolean namesFallback(String spec) {
            return spec != null && java.util.Arrays.stream(spec.split(","))
                    .anyMatch(entry -> entry.indexOf('=') > 0
                            && entry.substring(0, entry.indexOf('=')).trim().equals(AccessPolicy.FALLBACK));
        }

        /**
         * Checks that the hook can be asked wherever {@code effective} (this deployment's policy with the catalog's,
         * {@link #policyWith}) has hook namespaces: the constructor checked the deployment's own entries already, so
         * any found here without a hook came from the catalog, and the message says so.
         *
         * @throws ConfigException naming the catalog, its hook namespaces and the variables to set (or to override with)
         */
        public void requireHook(AccessPolicy effective, EventCatalog catalog) {
            if (!effective.uses(AccessMode.HOOK) || (hookUrl != null && hookSecret != null)) {
                return;
            }
            var namespaces = new java.util.TreeSet<String>();
            effective.modes().forEach((namespace, mode) -> {
                if (mode == AccessMode.HOOK) {
                    namespaces.add(namespace);
                }
            });
            if (effective.fallback() == AccessMode.HOOK) {
                namespaces.add(AccessPolicy.FALLBACK);
            }
            String source = catalog == null ? Env.ROOM_ACCESS : "event catalog " + catalog.app() + " (" + catalog.origin() + ")";
            throw new ConfigException(source + " declares hook namespaces (" + String.join(", ", namespaces) + "), so "
                    + Env.ACCESS_HOOK_URL + " and " + Env.ACCESS_HOOK_SECRET + " are required; or give those namespaces "
                    + "another mode in " + Env.ROOM_ACCESS + ", which overrides the catalog (e.g. " + Env.ROOM_ACCESS + "="
                    + namespaces.stream().map(n -> n + "=grant").collect(java.util.stream.Collectors.joining(",")) + ")");
        }
    }

    /**
     * @param region              AWS region for every client ({@link Env#REGION}, default us-east-1)
     * @param managementEndpoint  the {@code @connections} callback URL (https://{api}.execute-api.{region}.amazonaws.com/{stage});
     *                            required by every function that posts ({@link Env#MANAGEMENT_ENDPOINT})
     * @param dynamoDbEndpoint    endpoint override (local), or null for the regional endpoint
     * @param eventBridgeEndpoint endpoint override (local), or null
     * @param eventBus            the bus the publisher writes to and the rule listens on ({@link Env#EVENT_BUS}, default {@code default})
     */
    public record Aws(String region, URI managementEndpoint, URI dynamoDbEndpoint, URI eventBridgeEndpoint, String eventBus) {
    }

    /**
     * @param connections    connections, memberships, presence, rate-limit counters ({@link Env#CONNECTIONS_TABLE})
     * @param events         the per-room event log ({@link Env#EVENTS_TABLE})
     * @param eventRetention how long logged events stay replayable ({@link Env#EVENT_RETENTION_SECONDS}, default 24 h)
     * @param membersCache   how long the fan-out may reuse a room's membership page ({@link Env#MEMBERS_CACHE_MS},
     *                       default 1 s; 0 reads it for every event): a join or leave elsewhere is seen within it
     */
    public record Tables(String connections, String events, Duration eventRetention, Duration membersCache) {
    }

    /**
     * @param ttl                 how long a connection record lives without a {@code $disconnect}
     * @param maxFrameBytes       largest client frame accepted (default 32 KiB: one API Gateway frame)
     * @param allowedOrigins      browser origins allowed to connect (e.g. {@code https://app.example.com}); empty = any.
     *                            Requests without an Origin header (servers, mobile apps) are not affected.
     * @param clientEventPrefixes event names clients may publish to rooms must start with one of these (default {@code client.})
     */
    /**
     * @param connectAuthorizer whether API Gateway's REQUEST authorizer checks tokens at {@code $connect}: then every
     *                          route gets the identity in {@code requestContext.authorizer}, and {@code $default} reads no
     *                          connection record per frame (PROTOCOL §1.5)
     */
    public record Connections(Duration ttl, int maxFrameBytes, List<String> allowedOrigins, List<String> clientEventPrefixes,
                              boolean connectAuthorizer) {
        public Connections {
            allowedOrigins = List.copyOf(allowedOrigins);
            clientEventPrefixes = List.copyOf(clientEventPrefixes);
        }
    }

    /**
     * @param concurrency     at most this many {@code @connections} POSTs in flight per delivery
     * @param postAttempts    posts per connection at most when they may succeed later (429, 5xx, no answer), the first
     *                        included ({@code PULSE_POST_ATTEMPTS}, default 4, at most 10); then they are recorded as
     *                        undelivered
     * @param firstRetryPause the first pause's cap between rounds of retries, doubling after ({@code PULSE_POST_RETRY_MS},
     *                        default 100 ms, at most 2 s; 0 for no pauses)
     */
    public record Delivery(int concurrency, int postAttempts, Duration firstRetryPause) {
        public static final int DEFAULT_POST_ATTEMPTS = 4;
        public static final Duration DEFAULT_FIRST_RETRY_PAUSE = Duration.ofMillis(100);
        /** No pause between rounds is longer. */
        public static final Duration MAX_RETRY_PAUSE = Duration.ofSeconds(2);

        public Delivery(int concurrency) {
            this(concurrency, DEFAULT_POST_ATTEMPTS, DEFAULT_FIRST_RETRY_PAUSE);
        }
    }

    /**
     * @param namespaces  room namespaces with presence (default {@code workspace,chat,channel}; empty turns presence off)
     * @param signalLimit rooms with more connections than this get no presence signals (presence.list still answers):
     *                    each signal is a post per member, so without a bound a workspace-wide reconnect would cost
     *                    members² posts
     * @param window      how long a room's presence changes are gathered before one {@code presence.diff} per member
     *                    goes out ({@code PULSE_PRESENCE_WINDOW_MS}, default 1500)
     * @param flushQueueUrl the SQS queue the window's flush is sent to with a delay (on AWS); null = flushed by a timer
     *                    in this process (the local runtime and tests)
     */
    public record Presence(Set<String> namespaces, int signalLimit, Duration window, String flushQueueUrl) {
        public Presence {
            namespaces = Set.copyOf(namespaces);
            Objects.requireNonNull(window, "window");
        }

        public Presence(Set<String> namespaces, int signalLimit) {
            this(namespaces, signalLimit, DEFAULT_PRESENCE_WINDOW, null);
        }
    }

    /**
     * @param name               the catalog to validate and route with: a bare app name from the classpath ({@code hyvve}),
     *                           {@code classpath:…}, {@code file:…} or a path; null = none (events are delivered by their
     *                           envelope only)
     * @param unknownEvents      overrides the catalog's policy for undeclared events; null = the catalog's own
     * @param deadLetterQueueUrl SQS queue URL refused events are sent to; null = kept in memory (local runtime)
     */
    public record Catalog(String name, UnknownEvents unknownEvents, String deadLetterQueueUrl) {
        /**
         * The configured catalog, loaded and checked, with the override applied.
         *
         * @throws dev.pulse.catalog.CatalogException if it is missing or invalid: a bad catalog stops the function at
         *                                            start, before any event is delivered
         */
        public Optional<EventCatalog> load() {
            return name == null ? Optional.empty() : Optional.of(EventCatalog.load(name).withUnknownEvents(unknownEvents));
        }
    }

    public static PulseConfig fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** @throws ConfigException naming the variable and its value when one cannot be used */
    public static PulseConfig fromEnvironment(Map<String, String> environment) {
        var env = new EnvReader(environment);
        var aws = new Aws(env.text(Env.REGION, "us-east-1"), env.uri(Env.MANAGEMENT_ENDPOINT), env.uri(Env.DYNAMODB_ENDPOINT),
                env.uri(Env.EVENTBRIDGE_ENDPOINT), env.text(Env.EVENT_BUS, "default"));
        var tables = new Tables(env.text(Env.CONNECTIONS_TABLE, DEFAULT_CONNECTIONS_TABLE),
                env.text(Env.EVENTS_TABLE, DEFAULT_EVENTS_TABLE),
                env.seconds(Env.EVENT_RETENTION_SECONDS, DEFAULT_EVENT_RETENTION),
                Duration.ofMillis(env.integer(Env.MEMBERS_CACHE_MS, (int) DEFAULT_MEMBERS_CACHE.toMillis(), 0)));
        var connections = new Connections(env.seconds(Env.CONNECTION_TTL_SECONDS, DEFAULT_CONNECTION_TTL),
                env.integer(Env.MAX_FRAME_BYTES, DEFAULT_MAX_FRAME_BYTES, 1),
                env.list(Env.ALLOWED_ORIGINS, ""), env.list(Env.CLIENT_EVENT_PREFIXES, "client."),
                env.flag(Env.CONNECT_AUTHORIZER, false));
        var rateLimits = env.text(Env.RATE_LIMITS) == null ? RateLimits.defaults()
                : env.parse(Env.RATE_LIMITS, RateLimits::parse, "a list of <action>=<max>/<window>");
        var presence = new Presence(Set.copyOf(env.list(Env.PRESENCE_NAMESPACES, DEFAULT_PRESENCE_NAMESPACES)),
                env.integer(Env.PRESENCE_SIGNAL_LIMIT, DEFAULT_PRESENCE_SIGNAL_LIMIT, 0),
                Duration.ofMillis(env.integer(Env.PRESENCE_WINDOW_MS, (int) DEFAULT_PRESENCE_WINDOW.toMillis(), 50)),
                env.text(Env.PRESENCE_FLUSH_QUEUE_URL));
        var catalog = new Catalog(env.text(Env.CATALOG),
                env.parse(Env.UNKNOWN_EVENTS, UnknownEvents::parse, "strict or permissive"),
                env.text(Env.DEAD_LETTER_QUEUE_URL));
        var policy = env.text(Env.ROOM_ACCESS) == null ? AccessPolicy.open()
                : env.parse(Env.ROOM_ACCESS, AccessPolicy::parse, "a list of <namespace>=<open|grant|room-token|hook>");
        var access = new Access(policy, env.uri(Env.ACCESS_HOOK_URL), env.raw(Env.ACCESS_HOOK_SECRET),
                Duration.ofMillis(env.integer(Env.ACCESS_HOOK_TIMEOUT_MS, (int) Access.DEFAULT_HOOK_TIMEOUT.toMillis(), 1)),
                env.seconds(Env.ACCESS_HOOK_CACHE_SECONDS, Access.DEFAULT_ALLOW_TTL),
                env.seconds(Env.ACCESS_HOOK_DENY_CACHE_SECONDS, Access.DEFAULT_DENY_TTL),
                Access.namesFallback(env.text(Env.ROOM_ACCESS)));
        var introspectionUrl = env.uri(Env.AUTH_INTROSPECTION_URL);
        var introspection = introspectionUrl == null ? null : new Introspection(introspectionUrl,
                env.text(Env.AUTH_INTROSPECTION_CLIENT_ID), env.raw(Env.AUTH_INTROSPECTION_CLIENT_SECRET),
                Duration.ofMillis(env.integer(Env.AUTH_INTROSPECTION_TIMEOUT_MS, (int) Introspection.DEFAULT_TIMEOUT.toMillis(), 1)),
                env.seconds(Env.AUTH_CACHE_SECONDS, Introspection.DEFAULT_CACHE_TTL),
                env.seconds(Env.AUTH_NEGATIVE_CACHE_SECONDS, Introspection.DEFAULT_NEGATIVE_TTL),
                new ClaimNames(env.text(Env.JWT_USER_CLAIM), env.text(Env.JWT_WORKSPACE_CLAIM), env.text(Env.JWT_ROOMS_CLAIM)));
        return new PulseConfig(aws, jwt(env), tables, connections, rateLimits,
                delivery(env), presence, catalog, access,
                introspection, env.text(Env.METRICS_NAMESPACE, DEFAULT_METRICS_NAMESPACE), bigRooms(env));
    }

    /** At most 10 attempts and a first pause of at most 2 s: a fan-out's retries stay well inside its 60 s timeout. */
    private static Delivery delivery(EnvReader env) {
        int attempts = env.integer(Env.POST_ATTEMPTS, Delivery.DEFAULT_POST_ATTEMPTS, 1);
        int firstMillis = env.integer(Env.POST_RETRY_MS, (int) Delivery.DEFAULT_FIRST_RETRY_PAUSE.toMillis(), 0);
        if (attempts > 10) {
            throw new ConfigException(Env.POST_ATTEMPTS + " must be at most 10, got " + attempts);
        }
        if (firstMillis > Delivery.MAX_RETRY_PAUSE.toMillis()) {
            throw new ConfigException(Env.POST_RETRY_MS + " must be at most " + Delivery.MAX_RETRY_PAUSE.toMillis()
                    + ", got " + firstMillis);
        }
        return new Delivery(env.integer(Env.FANOUT_CONCURRENCY, DEFAULT_FANOUT_CONCURRENCY, 1), attempts,
                Duration.ofMillis(firstMillis));
    }

    private static BigRooms bigRooms(EnvReader env) {
        int shardSize = env.integer(Env.SHARD_SIZE, BigRooms.DEFAULT_SHARD_SIZE, 1);
        return new BigRooms(env.integer(Env.BIG_ROOM_THRESHOLD, BigRooms.DEFAULT_THRESHOLD, 1), shardSize,
                env.integer(Env.SHARD_CHECKPOINT, Math.min(BigRooms.DEFAULT_CHECKPOINT_EVERY, shardSize), 1),
                env.text(Env.SHARD_QUEUE_URL),
                Duration.ofMillis(env.integer(Env.SHARD_LEASE_MS, (int) BigRooms.DEFAULT_LEASE.toMillis(), 100)));
    }

    private static JwtSettings jwt(EnvReader env) {
        // Only the functions that verify tokens get key material; the others run without any.
        if (env.raw(Env.JWT_SECRET) == null && env.text(Env.JWT_JWKS_URL) == null) {
            return null;
        }
        try {
            return new JwtSettings(env.raw(Env.JWT_SECRET), env.uri(Env.JWT_JWKS_URL), env.raw(Env.JWT_ISSUER),
                    env.raw(Env.JWT_AUDIENCE), env.text(Env.JWT_USER_CLAIM), env.text(Env.JWT_WORKSPACE_CLAIM),
                    env.seconds(Env.JWT_CLOCK_SKEW_SECONDS, null), env.seconds(Env.JWT_JWKS_CACHE_SECONDS, null),
                    env.text(Env.JWT_ROOMS_CLAIM));
        } catch (ConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new ConfigException("JWT settings (" + Env.JWT_SECRET + ", " + Env.JWT_JWKS_URL + ", …): " + e.getMessage(), e);
        }
    }
}
