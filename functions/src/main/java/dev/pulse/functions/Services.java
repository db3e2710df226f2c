package dev.pulse.functions;

import dev.pulse.support.metrics.Metrics;
import dev.pulse.support.metrics.EmfMetrics;
import dev.pulse.action.ActionHandler;
import dev.pulse.action.ActionRouter;
import dev.pulse.auth.AuthActions;
import dev.pulse.auth.Authenticator;
import dev.pulse.auth.CachedAuthenticator;
import dev.pulse.auth.IntrospectionAuthenticator;
import dev.pulse.auth.TokenVerifier;
import dev.pulse.catalog.DeadLetterSink;
import dev.pulse.catalog.EventCatalog;
import dev.pulse.catalog.EventIntake;
import dev.pulse.catalog.InMemoryDeadLetters;
import dev.pulse.config.Env;
import dev.pulse.config.PulseConfig;
import dev.pulse.config.TracingConfig;
import dev.pulse.delivery.AsyncConnectionSender;
import dev.pulse.support.trace.Tracer;
import dev.pulse.support.trace.XRayDaemonTracer;
import dev.pulse.connection.ConnectionActions;
import dev.pulse.connection.ConnectionLifecycle;
import dev.pulse.connection.TokenExpirySweeper;
import dev.pulse.delivery.Broadcast;
import dev.pulse.delivery.FanOut;
import dev.pulse.delivery.DirectPostSender;
import dev.pulse.delivery.InMemoryUndelivered;
import dev.pulse.delivery.ManagementApiSender;
import dev.pulse.delivery.PostRetries;
import dev.pulse.delivery.Poster;
import dev.pulse.delivery.RetryingSender;
import dev.pulse.delivery.RoomSplitter;
import dev.pulse.delivery.ShardHandOff;
import dev.pulse.delivery.ShardWorker;
import dev.pulse.delivery.Undelivered;
import dev.pulse.delivery.UndeliveredSink;
import dev.pulse.presence.FlushScheduler;
import dev.pulse.presence.PresenceActions;
import dev.pulse.presence.PresenceFlusher;
import dev.pulse.presence.TimerFlushScheduler;
import dev.pulse.presence.PresenceTracker;
import dev.pulse.presence.QueryEndpoint;
import dev.pulse.presence.RoomQueries;
import dev.pulse.presence.TypingActions;
import dev.pulse.protocol.Actions;
import dev.pulse.ratelimit.RateLimiter;
import dev.pulse.room.AccessHook;
import dev.pulse.room.CachedAccessHook;
import dev.pulse.room.ClientEventActions;
import dev.pulse.room.ControlCommands;
import dev.pulse.room.DefaultRoomPolicy;
import dev.pulse.room.EventDelivery;
import dev.pulse.room.HttpAccessHook;
import dev.pulse.room.RoomAccess;
import dev.pulse.room.RoomActions;
import dev.pulse.room.RoomBroadcast;
import dev.pulse.room.ShardDelivery;
import dev.pulse.store.ConnectionStore;
import dev.pulse.store.DeliveryMarks;
import dev.pulse.store.EventLog;
import dev.pulse.store.MembersCache;
import dev.pulse.store.MembershipStore;
import dev.pulse.store.PresenceStore;
import dev.pulse.store.PresenceWindows;
import dev.pulse.store.RateCounters;
import dev.pulse.store.ShardProgress;
import dev.pulse.sync.PollingEndpoint;
import dev.pulse.support.Backoff;
import dev.pulse.sync.SyncActions;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.crac.Core;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The core, wired once from configuration: SDK clients (explicit region, credentials provider and HTTP
 * client, so nothing is discovered at cold start) and the use cases the handlers call.
 */
public final class Services {
    private static volatile Services fromEnvironment;

    private final PulseConfig config;
    private final SdkHttpClient http;
    private final DynamoDbClient dynamo;
    private final ApiGatewayManagementApiClient management;
    private final ConnectionLifecycle lifecycle;
    private final PresenceFlusher presenceFlusher;
    /** The local runtime's flush timer; null on AWS, where SQS delays the flushes. */
    private final TimerFlushScheduler presenceTimer;
    private final ActionRouter router;
    private final Metrics metrics;
    private final EventDelivery eventDelivery;
    private final Authenticator authenticator;
    private final ControlCommands controlCommands;
    private final TokenExpirySweeper tokenExpirySweeper;
    /** Held here: a CRaC context may keep only weak references to its resources. */
    private final Priming priming = new Priming();
    private final EventLog eventLog;
    private final DeliveryMarks deliveryMarks;
    private final MembersCache membersCache;
    private final PollingEndpoint pollingEndpoint;
    private final EventIntake eventIntake;
    private final DeadLetterSink deadLetters;
    private final QueryEndpoint queryEndpoint;
    private final DirectPostSender directSender;
    private final UndeliveredSink undelivered;
    private final FanOut fanOut;
    private final ShardDelivery shardDelivery;

    public Services(PulseConfig config, AwsCredentialsProvider credentials) {
        this(config, credentials, List.of());
    }

    /** @param interceptors added to every SDK client (the local benchmark counts calls with one) */
    public Services(PulseConfig config, AwsCredentialsProvider credentials, List<ExecutionInterceptor> interceptors) {
        this(config, credentials, interceptors, new EmfMetrics(config.metricsNamespace()));
    }

    /** @param metrics where the core and the handlers count (deployed: EMF on standard output) */
    public Services(PulseConfig config, AwsCredentialsProvider credentials, List<ExecutionInterceptor> interceptors,
                    Metrics metrics) {
        this(config, credentials, interceptors, metrics, Tracer.NONE);
    }

    /**
     * @param tracer where the SDK calls and the {@code @connections} posts are recorded as X-Ray subsegments
     *               ({@link Tracer#NONE}: not at all)
     */
    public Services(PulseConfig config, AwsCredentialsProvider credentials, List<ExecutionInterceptor> interceptors,
                    Metrics metrics, Tracer tracer) {
        this(config, credentials, interceptors, metrics, tracer, null, ShardWorker.Checkpoints.NONE);
    }

    /**
     * @param shardHandOff where big rooms' shards go instead of the SQS queue ({@code PULSE_SHARD_QUEUE_URL}): the local
     *                     runtime's in-process workers; null for the queue, or no splitting without one
     * @param checkpoints  told at each worker checkpoint (the local worker runner's fault switch); NONE elsewhere
     */
    public Services(PulseConfig config, AwsCredentialsProvider credentials, List<ExecutionInterceptor> interceptors,
                    Metrics metrics, Tracer tracer, ShardHandOff shardHandOff, ShardWorker.Checkpoints checkpoints) {
        this.config = config;
        this.metrics = java.util.Objects.requireNonNull(metrics, "metrics");
        if (tracer != Tracer.NONE) {
            var traced = new java.util.ArrayList<>(interceptors);
            traced.add(new TracingInterceptor(tracer));
            interceptors = traced;
        }
        var overrides = ClientOverrideConfiguration.builder().executionInterceptors(interceptors).build();
        var clock = Clock.systemUTC();
        var aws = config.aws();
        // One pooled HTTP client shared by every SDK client; sized for the fan-out's concurrent posts.
        this.http = ApacheHttpClient.builder()
                .maxConnections(config.delivery().concurrency() + 16)
                // No "Expect: 100-continue" round trip before each tiny PostToConnection body.
                .expectContinueEnabled(false)
                .connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(10))
                .build();
        var region = Region.of(aws.region());
        var dynamoBuilder = DynamoDbClient.builder().region(region).credentialsProvider(credentials).httpClient(http)
                .overrideConfiguration(overrides);
        if (aws.dynamoDbEndpoint() != null) {
            dynamoBuilder.endpointOverride(aws.dynamoDbEndpoint());
        }
        this.dynamo = dynamoBuilder.build();
        if (aws.managementEndpoint() == null) {
            throw new IllegalStateException(Env.MANAGEMENT_ENDPOINT + " (the WebSocket API's @connections callback URL) is required");
        }
        this.management = ApiGatewayManagementApiClient.builder()
                .region(region).credentialsProvider(credentials).httpClient(http)
                .overrideConfiguration(overrides)
                .endpointOverride(aws.managementEndpoint())
                .build();

        String table = config.tables().connections();
        // One cache of membership pages for the process, told about every membership change made here.
        this.membersCache = new MembersCache(config.tables().membersCache());
        var connections = new ConnectionStore(dynamo, table, clock, membersCache);
        var memberships = new MembershipStore(dynamo, table, clock, membersCache);
        // Posts go out through the direct path (one signed HTTP/1.1 request each, no SDK pipeline: ./pulse bench-post);
        // closing a connection (DELETE) is rare and stays on the SDK client.
        this.directSender = new DirectPostSender(aws.managementEndpoint(), aws.region(), credentials,
                new DirectPostSender.Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(10)), config.delivery().concurrency(),
                clock);
        // Traced, each post is a subsegment of the invocation's trace (the trace an event's PutEvents started).
        AsyncConnectionSender posts = tracer == Tracer.NONE ? directSender : new TracedPosts(directSender, tracer);
        var closer = new ManagementApiSender(management);
        // Single posts (replies, sync pages, signals) retry one by one; the fan-out retries its posts in rounds.
        var retries = new PostRetries(config.delivery().postAttempts(),
                new Backoff(config.delivery().firstRetryPause(), PulseConfig.Delivery.MAX_RETRY_PAUSE));
        var sender = new RetryingSender(posts, retries);
        var verifier = config.jwt() == null ? null : new TokenVerifier(config.jwt());
        this.authenticator = authenticator(config, verifier, clock);

        this.eventLog = new EventLog(dynamo, config.tables().events(), config.tables().eventRetention(), clock);
        // Every event is logged per target room before it is posted, so frames carry seq/epoch and sync can replay.
        this.deliveryMarks = new DeliveryMarks(dynamo, config.tables().events(), config.tables().eventRetention(), clock);
        String deadLetterQueue = config.catalog().deadLetterQueueUrl();
        var bigRooms = config.bigRooms();
        String flushQueue = config.presence().flushQueueUrl();
        var sqs = deadLetterQueue == null && bigRooms.queueUrl() == null && flushQueue == null ? null
                : SqsClient.builder().region(region).credentialsProvider(credentials).httpClient(http)
                        .overrideConfiguration(overrides).build();
        var queue = deadLetterQueue == null ? null : new SqsDeadLetters(sqs, deadLetterQueue);
        this.undelivered = queue == null ? new InMemoryUndelivered() : queue;
        // Big rooms go to the workers in shards where there are workers: the shard queue on AWS, in-process locally.
        var handOff = shardHandOff != null ? shardHandOff
                : bigRooms.queueUrl() == null ? null : new SqsShardHandOff(sqs, bigRooms.queueUrl());
        var splitter = handOff == null ? null
                : new RoomSplitter(bigRooms.threshold(), bigRooms.shardSize(), handOff, metrics);
        this.fanOut = new FanOut(memberships, new Poster(posts, config.delivery().concurrency()), retries,
                undelivered, splitter);
        var broadcast = new Broadcast(eventLog, deliveryMarks, fanOut, connections, clock);
        var roomBroadcast = new RoomBroadcast(broadcast, clock);
        // Looks back 5 minutes, so a missed or late scheduled run is caught up by the next.
        this.tokenExpirySweeper = new TokenExpirySweeper(connections, sender, closer, clock, Duration.ofMinutes(5));
        var presenceStore = new PresenceStore(dynamo, table, clock);
        var presenceWindows = new PresenceWindows(dynamo, table, clock);
        // Bound late: the flusher tells the tracker of connections it found gone, and the tracker schedules flushes.
        var flusher = new AtomicReference<PresenceFlusher>();
        // On AWS an SQS message delayed by the window runs the flush function; locally (no queue) a timer here does.
        this.presenceTimer = flushQueue == null ? new TimerFlushScheduler(room -> {
            try {
                flusher.get().flush(room);
            } finally {
                // As the flush function does at the end of its invocation: the diffs it posted are counted.
                metrics.flush();
            }
        }) : null;
        FlushScheduler flushes = flushQueue == null ? presenceTimer : new SqsFlushScheduler(sqs, flushQueue);
        var presence = new PresenceTracker(new PresenceTracker.Stores(presenceStore, memberships, connections),
                new PresenceTracker.Window(config.presence().window(), presenceWindows, flushes),
                config.presence().namespaces(), config.presence().signalLimit(), clock);
        this.presenceFlusher = new PresenceFlusher(presenceStore, presenceWindows, memberships, roomBroadcast, presence,
                config.presence().signalLimit(), metrics);
        flusher.set(presenceFlusher);
        // Published events: connections found gone on the way leave presence once the delivery is over.
        this.eventDelivery = new EventDelivery(broadcast, presence);
        var progress = new ShardProgress(dynamo, config.tables().events(), config.tables().eventRetention(), clock);
        this.shardDelivery = new ShardDelivery(new ShardWorker(fanOut, progress, connections, bigRooms.checkpointEvery(),
                bigRooms.lease(), checkpoints), presence);
        this.queryEndpoint = new QueryEndpoint(new RoomQueries(memberships, presenceStore, presence));
        this.controlCommands = new ControlCommands(connections, memberships, sender, closer, presence, clock);
        this.lifecycle = new ConnectionLifecycle(authenticator, connections, clock, config.connections().ttl(),
                config.connections().allowedOrigins(), presence);
        // A bad catalog fails here, at start, before any event is delivered.
        EventCatalog catalog = config.catalog().load().orElse(null);
        this.eventIntake = new EventIntake(catalog);
        this.deadLetters = queue == null ? new InMemoryDeadLetters() : queue;

        var access = roomAccess(config, catalog, verifier, authenticator != null, clock);
        var actions = new HashMap<String, ActionHandler>();
        new ConnectionActions(memberships, clock).registerInto(actions);
        new RoomActions(memberships, access, presence).registerInto(actions);
        new PresenceActions(presence, memberships, access).registerInto(actions);
        if (authenticator != null) {
            new AuthActions(authenticator, connections, config.connections().connectAuthorizer()).registerInto(actions);
        }
        new SyncActions(memberships, access, eventLog, sender, clock, metrics).registerInto(actions);
        new TypingActions(memberships, access, roomBroadcast, presence).registerInto(actions);
        new ClientEventActions(memberships, access, roomBroadcast, config.connections().clientEventPrefixes(), presence)
                .registerInto(actions);
        // The polling fallback authenticates every request, so it exists only where key material is configured.
        this.pollingEndpoint = authenticator == null ? null : new PollingEndpoint(authenticator, access, eventLog, clock, metrics);
        this.router = ActionRouter.builder()
                .actions(actions)
                .metrics(metrics)
                .connections(connections)
                .sender(sender)
                .closer(closer)
                .rateLimiter(new RateLimiter(new RateCounters(dynamo, table), clock, config.rateLimits()))
                .maxFrameBytes(config.connections().maxFrameBytes())
                .clock(clock)
                .activity(presence::renewIfDue)
                // Behind the authorizer these still read the record: a join enters presence with the connection's
                // real status, and connection.info reports a refreshed token's expiry.
                .recordActions(Set.of(Actions.ROOM_JOIN, Actions.CONNECTION_INFO))
                .build();
        // SnapStart calls it before the snapshot; without CRaC (local runtime, tests) registering does nothing.
        Core.getGlobalContext().register(priming);
    }

    /**
     * How tokens are checked: JWTs with the configured keys, opaque session tokens by the app's introspection endpoint
     * (answers cached in this execution environment); by the token's shape when both are configured. Null when neither.
     */
    private static Authenticator authenticator(PulseConfig config, TokenVerifier verifier, Clock clock) {
        var introspection = config.introspection();
        Authenticator opaque = introspection == null ? null : new CachedAuthenticator(new IntrospectionAuthenticator(
                introspection.url(), introspection.clientId(), introspection.clientSecret(), introspection.timeout(),
                introspection.claimNames(), clock),
                introspection.cacheTtl(), introspection.negativeTtl(), 10_000, clock);
        return Authenticator.either(verifier, opaque);
    }

    /** Whether tokens can be checked here ($connect needs it; $disconnect and the fan-out do not). */
    public boolean authenticates() {
        return authenticator != null;
    }

    /**
     * Who may do what in which room: the catalog's access declaration under the configured policy (which overrides it
     * per namespace), room tokens verified with the connection tokens' keys, and the app's hook over HTTPS with its
     * answers cached in this execution environment.
     */
    private static RoomAccess roomAccess(PulseConfig config, EventCatalog catalog, TokenVerifier verifier,
                                         boolean servesClients, Clock clock) {
        var settings = config.access();
        var policy = settings.policyWith(catalog);
        // Where tokens are verified, clients' room actions are served ($default, polling; locally every handler): a hook
        // namespace there needs the hook, so its absence fails the start. The fan-out holds the catalog for its events
        // but decides no room access and gets no hook settings; a hook namespace, never asked there, stays refused.
        if (servesClients) {
            settings.requireHook(policy, catalog);
        }
        AccessHook hook = settings.hookUrl() == null ? null : new CachedAccessHook(
                new HttpAccessHook(settings.hookUrl(), settings.hookSecret(), settings.hookTimeout(), clock),
                settings.allowTtl(), settings.denyTtl(), PulseConfig.Access.MAX_TTL, 10_000, clock);
        return new RoomAccess(policy, new DefaultRoomPolicy(), verifier, hook);
    }

    /** The Lambda handlers' cached instance: built on first use per execution environment, reused after. */
    static Services fromEnvironment() {
        Services s = fromEnvironment;
        if (s == null) {
            synchronized (Services.class) {
                s = fromEnvironment;
                if (s == null) {
                    var credentials = lambdaCredentials();
                    // The secrets' ARNs (set by the stack) become the values PulseConfig reads, fetched once here.
                    var env = SigningSecret.resolve(System.getenv(), credentials, null);
                    var config = PulseConfig.fromEnvironment(env);
                    var tracing = TracingConfig.fromEnvironment(env);
                    s = new Services(config, credentials, List.of(), new EmfMetrics(config.metricsNamespace()),
                            tracing.enabled() ? new XRayDaemonTracer(XRayDaemonTracer.address(tracing.daemonAddress()),
                                    XRayDaemonTracer::lambdaTraceHeader) : Tracer.NONE);
                    fromEnvironment = s;
                }
            }
        }
        return s;
    }

    /**
     * The function role's credentials. With SnapStart, Lambda serves them from a container endpoint
     * ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI}) and does not set {@code AWS_ACCESS_KEY_ID}; without SnapStart
     * they are environment variables. The container provider also refreshes them after a restore.
     */
    static AwsCredentialsProvider lambdaCredentials() {
        return AwsCredentialsProviderChain.of(ContainerCredentialsProvider.create(),
                EnvironmentVariableCredentialsProvider.create());
    }

    /** The EMF metrics of this execution environment; each handler flushes them when its invocation ends. */
    public Metrics metrics() {
        return metrics;
    }

    public PulseConfig config() {
        return config;
    }

    public DynamoDbClient dynamo() {
        return dynamo;
    }

    /** Runs a presence room's flush (the flush function's work; locally the timer's). */
    public PresenceFlusher presenceFlusher() {
        return presenceFlusher;
    }

    /** Stops the local flush timer (the local runtime's shutdown); nothing to stop on AWS. */
    public void close() {
        if (presenceTimer != null) {
            presenceTimer.close();
        }
    }

    public ConnectionLifecycle lifecycle() {
        return lifecycle;
    }

    public ActionRouter router() {
        return router;
    }

    /** The app's control commands (room joins and removals, closing connections), as the fan-out receives them. */
    public ControlCommands controlCommands() {
        return controlCommands;
    }

    /** A published event's way to its clients (what the fan-out function does with an admitted event). */
    public EventDelivery eventDelivery() {
        return eventDelivery;
    }

    /** A big room's shard's way to its clients (what the shard worker function does with each message). */
    public ShardDelivery shardDelivery() {
        return shardDelivery;
    }

    public TokenExpirySweeper tokenExpirySweeper() {
        return tokenExpirySweeper;
    }

    /** The process's membership pages ({@code PULSE_MEMBERS_CACHE_MS}), for stores made outside this wiring. */
    public MembersCache membersCache() {
        return membersCache;
    }

    /** Which published events were delivered to the end (the fan-out queue's batches mark theirs together). */
    public DeliveryMarks deliveryMarks() {
        return deliveryMarks;
    }

    public EventLog eventLog() {
        return eventLog;
    }

    /** Admits or refuses each event the fan-out receives (catalog validation and routing). */
    public EventIntake eventIntake() {
        return eventIntake;
    }

    /** Where refused events go: SQS when PULSE_DEAD_LETTER_QUEUE_URL is set, else an {@link InMemoryDeadLetters}. */
    public DeadLetterSink deadLetters() {
        return deadLetters;
    }

    /** The query API (room members, presence), served behind IAM authorization. */
    public QueryEndpoint queryEndpoint() {
        return queryEndpoint;
    }

    /**
     * Where posts still failing after their retries are recorded, one entry per event: the dead-letter queue when
     * PULSE_DEAD_LETTER_QUEUE_URL is set, else an {@link InMemoryUndelivered}.
     */
    public UndeliveredSink undelivered() {
        return undelivered;
    }

    /**
     * Posts an undelivered entry's frames again (e.g. a dead-letter message's body read with
     * {@link Undelivered#fromJson}); what still fails is recorded again.
     */
    public FanOut.Posted replay(Undelivered entry) {
        return fanOut.replay(entry);
    }

    /** The HTTP polling endpoint; empty when no token key source is configured. */
    public java.util.Optional<PollingEndpoint> pollingEndpoint() {
        return java.util.Optional.ofNullable(pollingEndpoint);
    }
}
