package dev.pulse.infra;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.sns.ITopic;

/**
 * Settings of {@link PulseRealtime}. JWT settings become the {@code $connect} function's {@code PULSE_JWT_*}
 * environment; an HS256 key held in Secrets Manager ({@code jwtSigningSecret}) travels as its ARN only, and the
 * function reads the value once at start.
 *
 * @param stageName         WebSocket stage, also the last path segment of the URLs (default {@code prod})
 * @param lambdaJarPath     path of the shaded functions jar, uploaded as the code of every function
 * @param jwtSecret         HS256 shared secret (at least 32 bytes) as a plain value, or null
 * @param jwtSigningSecret  Secrets Manager secret whose SecretString is the HS256 key, or null (not with jwtSecret)
 * @param jwksUrl           JWKS URL for RS256/ES256 keys, or null; at least one key source is needed
 * @param jwtIssuer         required {@code iss}, or null to accept any
 * @param jwtAudience       required {@code aud}, or null to accept any
 * @param eventBus          bus the fan-out rule listens on and publishers write to; null = the account's default bus
 * @param fanoutConcurrency at most this many {@code @connections} POSTs in flight per fan-out (default 64)
 * @param alarmTopic        SNS topic the CloudWatch alarms notify (alarm and OK), or null for alarms without actions
 * @param accessLogs        stage access logs to CloudWatch; needs the account's API Gateway CloudWatch role (default off)
 * @param runtime           the handlers' behaviour (claims, retention, rate limits, origins, client event prefixes)
 * @param catalog           the event catalog the fan-out validates and routes with (PULSE_CATALOG): an app name from
 *                          the functions jar ({@code hyvve} = catalogs/hyvve.catalog.json), or null for none. Loaded
 *                          and checked at synthesis; its routes become the routing rule's event pattern.
 * @param stageRateLimit    steady requests per second of the WebSocket stage and, separately, of the polling API's
 *                          stage (API Gateway throttling; default {@value #DEFAULT_STAGE_RATE_LIMIT})
 * @param stageBurstLimit   their burst (default {@value #DEFAULT_STAGE_BURST_LIMIT})
 * @param access            room access: modes per namespace over the catalog's, the access hook, the grants claim
 * @param accessHookSecret  Secrets Manager secret whose SecretString signs the hook's requests (at least 32 bytes), or
 *                          null; required with a hook. Only {@code $default} and polling get its ARN and may read it.
 * @param connectAuthorizer a Lambda REQUEST authorizer on {@code $connect} (default off): it checks the token, and API
 *                          Gateway hands the identity to every route in {@code requestContext.authorizer}, so
 *                          {@code $default} reads no connection record per frame (PROTOCOL §1.5)
 * @param tracing           X-Ray active tracing on every function (default off): each invocation is sampled and
 *                          traced, continuing the trace EventBridge passes on from a PutEvents entry's TraceHeader
 * @param bigRooms          when big rooms are split into shards and how many shard workers may run at once
 *                          (docs/SCALING.md); default {@link BigRoomSettings#DEFAULTS}
 * @param fanOutQueue       how events reach the fan-out: through an SQS queue in batches (default), or one
 *                          invocation each ({@link FanOutQueueSettings#DIRECT})
 * @param delivery          the fan-out's post retries and member-list reuse (PULSE_POST_ATTEMPTS, PULSE_POST_RETRY_MS,
 *                          PULSE_MEMBERS_CACHE_MS); null or unset fields keep the core's defaults
 */
public record PulseRealtimeProps(
        String stageName,
        String lambdaJarPath,
        String jwtSecret,
        ISecret jwtSigningSecret,
        String jwksUrl,
        String jwtIssuer,
        String jwtAudience,
        IEventBus eventBus,
        int fanoutConcurrency,
        ITopic alarmTopic,
        boolean accessLogs,
        RuntimeSettings runtime,
        String catalog,
        int stageRateLimit,
        int stageBurstLimit,
        RoomAccessSettings access,
        ISecret accessHookSecret,
        boolean connectAuthorizer,
        boolean tracing,
        BigRoomSettings bigRooms,
        FanOutQueueSettings fanOutQueue,
        DeliverySettings delivery) {

    public static final String DEFAULT_STAGE = "prod";
    public static final int DEFAULT_FANOUT_CONCURRENCY = 64;
    public static final int DEFAULT_STAGE_RATE_LIMIT = 500;
    public static final int DEFAULT_STAGE_BURST_LIMIT = 1000;

    /** API Gateway stage names: letters, digits, hyphen and underscore. */
    private static final Pattern STAGE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final int MIN_HMAC_SECRET_BYTES = 32;

    public PulseRealtimeProps {
        fanOutQueue = fanOutQueue == null ? FanOutQueueSettings.DEFAULTS : fanOutQueue;
        delivery = delivery == null ? DeliverySettings.DEFAULTS : delivery;
        stageName = blankToNull(stageName) == null ? DEFAULT_STAGE : stageName;
        jwtSecret = blankToNull(jwtSecret);
        jwksUrl = blankToNull(jwksUrl);
        jwtIssuer = blankToNull(jwtIssuer);
        jwtAudience = blankToNull(jwtAudience);
        if (!STAGE_NAME.matcher(stageName).matches()) {
            throw new IllegalArgumentException("stageName must be 1-128 letters, digits, '-' or '_': " + stageName);
        }
        if (blankToNull(lambdaJarPath) == null) {
            throw new IllegalArgumentException("lambdaJarPath is required (the functions' -lambda.jar)");
        }
        if (jwtSecret == null && jwtSigningSecret == null && jwksUrl == null) {
            throw new IllegalArgumentException(
                    "JWT settings need jwtSecret or jwtSigningSecret (HS256) or jwksUrl (RS256/ES256)");
        }
        if (jwtSecret != null && jwtSigningSecret != null) {
            throw new IllegalArgumentException("Give the HS256 key once: jwtSecret (plain) or jwtSigningSecret, not both");
        }
        // Tokens (e.g. an SSM parameter reference) are resolved at deploy time; only literal values are checked.
        if (jwtSecret != null && !Token.isUnresolved(jwtSecret)
                && jwtSecret.getBytes(StandardCharsets.UTF_8).length < MIN_HMAC_SECRET_BYTES) {
            throw new IllegalArgumentException("jwtSecret must be at least " + MIN_HMAC_SECRET_BYTES + " bytes for HS256");
        }
        if (jwksUrl != null && !Token.isUnresolved(jwksUrl)) {
            requireHttpUrl(jwksUrl);
        }
        if (fanoutConcurrency < 1) {
            throw new IllegalArgumentException("fanoutConcurrency must be at least 1: " + fanoutConcurrency);
        }
        if (stageRateLimit < 1 || stageBurstLimit < 1) {
            throw new IllegalArgumentException("stageRateLimit and stageBurstLimit must be at least 1: "
                    + stageRateLimit + ", " + stageBurstLimit);
        }
        runtime = runtime == null ? RuntimeSettings.DEFAULTS : runtime;
        catalog = blankToNull(catalog);
        access = access == null ? RoomAccessSettings.NONE : access;
        bigRooms = bigRooms == null ? BigRoomSettings.DEFAULTS : bigRooms;
    }

    public static Builder builder() {
        return new Builder();
    }

    private static void requireHttpUrl(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("jwksUrl is not a valid URL: " + url, e);
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) && !"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("jwksUrl must be an absolute http(s) URL: " + url);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    public static final class Builder {
        private String stageName = DEFAULT_STAGE;
        private String lambdaJarPath;
        private String jwtSecret;
        private ISecret jwtSigningSecret;
        private String jwksUrl;
        private String jwtIssuer;
        private String jwtAudience;
        private IEventBus eventBus;
        private int fanoutConcurrency = DEFAULT_FANOUT_CONCURRENCY;
        private ITopic alarmTopic;
        private boolean accessLogs;
        private RuntimeSettings runtime = RuntimeSettings.DEFAULTS;
        private String catalog;
        private int stageRateLimit = DEFAULT_STAGE_RATE_LIMIT;
        private int stageBurstLimit = DEFAULT_STAGE_BURST_LIMIT;
        private String roomAccess;
        private String accessHookUrl;
        private java.time.Duration accessHookTimeout;
        private java.time.Duration accessHookCacheTtl;
        private java.time.Duration accessHookDenyCacheTtl;
        private String roomsClaim;
        private ISecret accessHookSecret;
        private boolean connectAuthorizer;
        private boolean tracing;
        private BigRoomSettings bigRooms;

        /** Big rooms' split and the shard workers' maximum concurrency (docs/SCALING.md). */
        public Builder bigRooms(BigRoomSettings bigRooms) {
            this.bigRooms = bigRooms;
            return this;
        }

        private FanOutQueueSettings fanOutQueue = FanOutQueueSettings.DEFAULTS;
        private DeliverySettings delivery = DeliverySettings.DEFAULTS;

        /** How events reach the fan-out: {@link FanOutQueueSettings#DEFAULTS} (batches) or {@link FanOutQueueSettings#DIRECT}. */
        public Builder fanOutQueue(FanOutQueueSettings fanOutQueue) {
            this.fanOutQueue = fanOutQueue;
            return this;
        }

        /** The fan-out's post retries and member-list reuse. */
        public Builder delivery(DeliverySettings delivery) {
            this.delivery = delivery;
            return this;
        }

        /** X-Ray active tracing on every function. */
        public Builder tracing(boolean tracing) {
            this.tracing = tracing;
            return this;
        }

        private Builder() {
        }

        /** A REQUEST authorizer on {@code $connect} that checks tokens before API Gateway opens the connection. */
        public Builder connectAuthorizer(boolean connectAuthorizer) {
            this.connectAuthorizer = connectAuthorizer;
            return this;
        }

        /** Access mode per room namespace, e.g. {@code chat=room-token,project=hook,*=grant}; over the catalog's. */
        public Builder roomAccess(String roomAccess) {
            this.roomAccess = roomAccess;
            return this;
        }

        /** The app's access hook (https), for {@code hook} namespaces. */
        public Builder accessHookUrl(String accessHookUrl) {
            this.accessHookUrl = accessHookUrl;
            return this;
        }

        /** The secret the hook's requests are signed with; its value never enters the template. */
        public Builder accessHookSecret(ISecret accessHookSecret) {
            this.accessHookSecret = accessHookSecret;
            return this;
        }

        /** How long a hook call may take before access is refused (default 1 s, at most 10 s). */
        public Builder accessHookTimeout(java.time.Duration accessHookTimeout) {
            this.accessHookTimeout = accessHookTimeout;
            return this;
        }

        /** How long an allow is reused when the hook names no TTL (default 60 s). */
        public Builder accessHookCacheTtl(java.time.Duration accessHookCacheTtl) {
            this.accessHookCacheTtl = accessHookCacheTtl;
            return this;
        }

        /** How long a deny is reused at most (default 5 s). */
        public Builder accessHookDenyCacheTtl(java.time.Duration accessHookDenyCacheTtl) {
            this.accessHookDenyCacheTtl = accessHookDenyCacheTtl;
            return this;
        }

        /** The JWT claim holding a token's room grants (default {@code rooms}). */
        public Builder roomsClaim(String roomsClaim) {
            this.roomsClaim = roomsClaim;
            return this;
        }

        /** All the room access settings at once (as {@link DeploySettings} reads them from context). */
        public Builder access(RoomAccessSettings access) {
            this.roomAccess = access.roomAccess();
            this.accessHookUrl = access.hookUrl();
            this.accessHookTimeout = access.hookTimeout();
            this.accessHookCacheTtl = access.hookCacheTtl();
            this.accessHookDenyCacheTtl = access.hookDenyCacheTtl();
            this.roomsClaim = access.roomsClaim();
            return this;
        }

        /** Steady requests per second of each stage (WebSocket and polling), before API Gateway answers 429. */
        public Builder stageRateLimit(int stageRateLimit) {
            this.stageRateLimit = stageRateLimit;
            return this;
        }

        /** The burst each stage absorbs above its rate. */
        public Builder stageBurstLimit(int stageBurstLimit) {
            this.stageBurstLimit = stageBurstLimit;
            return this;
        }

        /** The event catalog (an app name such as {@code hyvve}, or {@code classpath:…}); null for none. */
        public Builder catalog(String catalog) {
            this.catalog = catalog;
            return this;
        }

        /** The handlers' behaviour: claim names, retention, rate limits, allowed origins, client event names. */
        public Builder runtime(RuntimeSettings runtime) {
            this.runtime = runtime;
            return this;
        }

        public Builder stageName(String stageName) {
            this.stageName = stageName;
            return this;
        }

        public Builder lambdaJarPath(String lambdaJarPath) {
            this.lambdaJarPath = lambdaJarPath;
            return this;
        }

        public Builder jwtSecret(String jwtSecret) {
            this.jwtSecret = jwtSecret;
            return this;
        }

        public Builder jwtSigningSecret(ISecret jwtSigningSecret) {
            this.jwtSigningSecret = jwtSigningSecret;
            return this;
        }

        public Builder jwksUrl(String jwksUrl) {
            this.jwksUrl = jwksUrl;
            return this;
        }

        public Builder jwtIssuer(String jwtIssuer) {
            this.jwtIssuer = jwtIssuer;
            return this;
        }

        public Builder jwtAudience(String jwtAudience) {
            this.jwtAudience = jwtAudience;
            return this;
        }

        public Builder eventBus(IEventBus eventBus) {
            this.eventBus = eventBus;
            return this;
        }

        public Builder fanoutConcurrency(int fanoutConcurrency) {
            this.fanoutConcurrency = fanoutConcurrency;
            return this;
        }

        public Builder alarmTopic(ITopic alarmTopic) {
            this.alarmTopic = alarmTopic;
            return this;
        }

        public Builder accessLogs(boolean accessLogs) {
            this.accessLogs = accessLogs;
            return this;
        }

        public PulseRealtimeProps build() {
            return new PulseRealtimeProps(stageName, lambdaJarPath, jwtSecret, jwtSigningSecret, jwksUrl, jwtIssuer, jwtAudience,
                    eventBus, fanoutConcurrency, alarmTopic, accessLogs, runtime, catalog, stageRateLimit, stageBurstLimit,
                    new RoomAccessSettings(roomAccess, accessHookUrl, accessHookTimeout, accessHookCacheTtl,
                            accessHookDenyCacheTtl, roomsClaim), accessHookSecret, connectAuthorizer, tracing, bigRooms,
                    fanOutQueue, delivery);
        }
    }
}
