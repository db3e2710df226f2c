package dev.pulse.config;

/**
 * The names of the environment variables the core reads, defined once: {@link PulseConfig} reads them, the CDK
 * construct sets them on the functions and the local runtime passes them to the handlers.
 */
public final class Env {
    public static final String REGION = "AWS_REGION";

    public static final String JWT_SECRET = "PULSE_JWT_SECRET";
    /** The Secrets Manager ARN of the signing key on AWS; resolved into {@link #JWT_SECRET} at cold start. */
    public static final String JWT_SECRET_ARN = "PULSE_JWT_SECRET_ARN";
    public static final String JWT_JWKS_URL = "PULSE_JWT_JWKS_URL";
    public static final String JWT_ISSUER = "PULSE_JWT_ISSUER";
    public static final String JWT_AUDIENCE = "PULSE_JWT_AUDIENCE";
    public static final String JWT_USER_CLAIM = "PULSE_JWT_USER_CLAIM";
    public static final String JWT_WORKSPACE_CLAIM = "PULSE_JWT_WORKSPACE_CLAIM";
    public static final String JWT_CLOCK_SKEW_SECONDS = "PULSE_JWT_CLOCK_SKEW_SECONDS";
    public static final String JWT_JWKS_CACHE_SECONDS = "PULSE_JWT_JWKS_CACHE_SECONDS";
    public static final String JWT_ROOMS_CLAIM = "PULSE_JWT_ROOMS_CLAIM";

    public static final String AUTH_INTROSPECTION_URL = "PULSE_AUTH_INTROSPECTION_URL";
    public static final String AUTH_INTROSPECTION_CLIENT_ID = "PULSE_AUTH_INTROSPECTION_CLIENT_ID";
    public static final String AUTH_INTROSPECTION_CLIENT_SECRET = "PULSE_AUTH_INTROSPECTION_CLIENT_SECRET";
    public static final String AUTH_INTROSPECTION_TIMEOUT_MS = "PULSE_AUTH_INTROSPECTION_TIMEOUT_MS";
    public static final String AUTH_CACHE_SECONDS = "PULSE_AUTH_CACHE_SECONDS";
    public static final String AUTH_NEGATIVE_CACHE_SECONDS = "PULSE_AUTH_NEGATIVE_CACHE_SECONDS";

    public static final String ROOM_ACCESS = "PULSE_ROOM_ACCESS";
    public static final String ACCESS_HOOK_URL = "PULSE_ACCESS_HOOK_URL";
    public static final String ACCESS_HOOK_SECRET = "PULSE_ACCESS_HOOK_SECRET";
    public static final String ACCESS_HOOK_TIMEOUT_MS = "PULSE_ACCESS_HOOK_TIMEOUT_MS";
    public static final String ACCESS_HOOK_CACHE_SECONDS = "PULSE_ACCESS_HOOK_CACHE_SECONDS";
    public static final String ACCESS_HOOK_DENY_CACHE_SECONDS = "PULSE_ACCESS_HOOK_DENY_CACHE_SECONDS";

    public static final String CONNECTIONS_TABLE = "PULSE_CONNECTIONS_TABLE";
    public static final String EVENTS_TABLE = "PULSE_EVENTS_TABLE";
    public static final String EVENT_RETENTION_SECONDS = "PULSE_EVENT_RETENTION_SECONDS";
    public static final String MEMBERS_CACHE_MS = "PULSE_MEMBERS_CACHE_MS";

    public static final String DYNAMODB_ENDPOINT = "PULSE_DYNAMODB_ENDPOINT";
    public static final String EVENTBRIDGE_ENDPOINT = "PULSE_EVENTBRIDGE_ENDPOINT";
    public static final String MANAGEMENT_ENDPOINT = "PULSE_MANAGEMENT_ENDPOINT";
    public static final String EVENT_BUS = "PULSE_EVENT_BUS";

    public static final String CONNECTION_TTL_SECONDS = "PULSE_CONNECTION_TTL_SECONDS";
    public static final String MAX_FRAME_BYTES = "PULSE_MAX_FRAME_BYTES";
    public static final String ALLOWED_ORIGINS = "PULSE_ALLOWED_ORIGINS";
    public static final String CLIENT_EVENT_PREFIXES = "PULSE_CLIENT_EVENT_PREFIXES";
    /** {@code true} where API Gateway's REQUEST authorizer authenticates {@code $connect} (the construct's connectAuthorizer). */
    public static final String CONNECT_AUTHORIZER = "PULSE_CONNECT_AUTHORIZER";
    public static final String RATE_LIMITS = "PULSE_RATE_LIMITS";

    public static final String FANOUT_CONCURRENCY = "PULSE_FANOUT_CONCURRENCY";
    public static final String POST_ATTEMPTS = "PULSE_POST_ATTEMPTS";
    public static final String POST_RETRY_MS = "PULSE_POST_RETRY_MS";

    /** Rooms with more members than this are delivered in shards by worker invocations (docs/SCALING.md). */
    public static final String BIG_ROOM_THRESHOLD = "PULSE_BIG_ROOM_THRESHOLD";
    /** Connections per shard, at most. */
    public static final String SHARD_SIZE = "PULSE_SHARD_SIZE";
    /** A worker records its progress through a shard after every this many posts. */
    public static final String SHARD_CHECKPOINT = "PULSE_SHARD_CHECKPOINT";
    /** The SQS queue shards are handed to the workers through; without it (and outside the local runtime) no room is split. */
    public static final String SHARD_QUEUE_URL = "PULSE_SHARD_QUEUE_URL";
    /** How long a worker's claim on a shard lasts without renewal (the worker function's timeout), in ms. */
    public static final String SHARD_LEASE_MS = "PULSE_SHARD_LEASE_MS";

    public static final String PRESENCE_NAMESPACES = "PULSE_PRESENCE_NAMESPACES";
    public static final String PRESENCE_SIGNAL_LIMIT = "PULSE_PRESENCE_SIGNAL_LIMIT";
    /** Milliseconds a room's presence changes are gathered into one presence.diff per member. */
    public static final String PRESENCE_WINDOW_MS = "PULSE_PRESENCE_WINDOW_MS";
    /** The SQS queue that delays each presence window's flush (set by the CDK stack; unset locally). */
    public static final String PRESENCE_FLUSH_QUEUE_URL = "PULSE_PRESENCE_FLUSH_QUEUE_URL";

    public static final String CATALOG = "PULSE_CATALOG";
    /** The CloudWatch namespace the EMF metrics are written under. */
    public static final String METRICS_NAMESPACE = "PULSE_METRICS_NAMESPACE";
    public static final String UNKNOWN_EVENTS = "PULSE_UNKNOWN_EVENTS";
    /** {@code true}: the functions send subsegments of their calls to the X-Ray daemon (the construct's tracing prop). */
    public static final String TRACING = "PULSE_TRACING";
    /** Where Lambda's X-Ray daemon listens ({@code host:port}); set by Lambda. */
    public static final String XRAY_DAEMON_ADDRESS = "AWS_XRAY_DAEMON_ADDRESS";
    public static final String DEAD_LETTER_QUEUE_URL = "PULSE_DEAD_LETTER_QUEUE_URL";

    private Env() {
    }
}
