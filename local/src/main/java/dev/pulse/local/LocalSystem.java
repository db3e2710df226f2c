package dev.pulse.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.pulse.auth.TokenIssuer;
import dev.pulse.catalog.EventCatalog;
import dev.pulse.catalog.InMemoryDeadLetters;
import dev.pulse.catalog.Rejection;
import dev.pulse.catalog.RulePattern;
import dev.pulse.config.Env;
import dev.pulse.config.PulseConfig;
import dev.pulse.delivery.FanOut;
import dev.pulse.delivery.InMemoryUndelivered;
import dev.pulse.delivery.Undelivered;
import dev.pulse.envelope.FanOutRule;
import dev.pulse.functions.AuthorizerHandler;
import dev.pulse.functions.ConnectHandler;
import dev.pulse.functions.DefaultHandler;
import dev.pulse.functions.DisconnectHandler;
import dev.pulse.functions.FanOutHandler;
import dev.pulse.functions.ShardWorkerHandler;
import dev.pulse.functions.Services;
import dev.pulse.functions.TokenExpiryHandler;
import dev.pulse.local.dynamodb.EmbeddedDynamoDb;
import dev.pulse.local.eventbridge.DeadLetter;
import dev.pulse.local.eventbridge.EventTarget;
import dev.pulse.local.eventbridge.LocalEventBus;
import dev.pulse.local.eventbridge.LocalQueue;
import dev.pulse.local.gateway.WebSocketGateway;
import dev.pulse.local.lambda.LocalLambdaContext;
import dev.pulse.local.sqs.LocalShardQueue;
import dev.pulse.publish.Publisher;
import dev.pulse.store.TableInventory;
import dev.pulse.support.log.LogSettings;
import dev.pulse.support.metrics.EmfMetrics;
import dev.pulse.support.trace.Tracer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * The whole system on one machine: DynamoDB Local, the API Gateway WebSocket emulator, the
 * EventBridge-compatible bus, and the real handlers from {@code functions/} wired to them through the
 * environment they would get on Lambda. Used by {@link LocalRuntime}, the end-to-end tests and the benchmark.
 */
public final class LocalSystem implements AutoCloseable {
    public static final String CONNECTIONS_TABLE = "pulse-connections";
    public static final String EVENTS_TABLE = "pulse-events";
    /**
     * Concurrent invocations of the WebSocket handlers. On Lambda every concurrent invocation has its own
     * execution environment and HTTP pool; here they share one, so bursts (10,000 clients leaving at once)
     * wait for a slot instead of exhausting the pool.
     */
    static final int LOCAL_LAMBDA_CONCURRENCY = 48;
    /**
     * Of those, at most this many run {@code $connect}/{@code $disconnect} at once, so a workspace connecting or leaving
     * all together leaves slots for everyone else's frames: on AWS each invocation has its own execution environment and
     * 500 {@code $disconnect}s do not queue another tenant's {@code ping} behind them (./pulse bench-presence).
     */
    static final int LOCAL_LIFECYCLE_CONCURRENCY = 32;
    /**
     * Concurrent fan-out invocations, like the function's concurrency limit: the bus invokes each event on its own
     * thread, and without a bound a burst of thousands of events would all post at once through the one HTTP pool the
     * handlers share here (on Lambda each invocation has its own), timing out on it. Events beyond it wait at the bus, as
     * throttled asynchronous invocations do; those in flight group-commit their appends.
     */
    static final int LOCAL_FANOUT_CONCURRENCY = 64;

    /** How long the local fan-out reuses a room's member list (exact here: see lambdaEnvironment). */
    static final Duration LOCAL_MEMBERS_CACHE = Duration.ofMinutes(1);
    /**
     * Locally rooms are split into shards above this many members (deployed: 2,000). On a laptop's few cores the
     * fan-out, the workers, the emulated {@code @connections} API and the clients share the CPU, so the split costs
     * more than it saves: side by side with Socket.IO at 5,000 clients the sharded path took 4.6x its time against
     * 2.9x for one invocation (docs/BENCHMARKS.md). PULSE_BIG_ROOM_THRESHOLD still sets it.
     */
    static final int LOCAL_BIG_ROOM_THRESHOLD = 10_000;
    /** The local fan-out queue's name, and its receives before a message is dead-lettered (the CDK app's maxReceiveCount). */
    static final String FANOUT_QUEUE_ARN = "arn:aws:sqs:us-east-1:000000000000:pulse-fanout";
    static final int FANOUT_QUEUE_MAX_RECEIVES = 3;
    /**
     * What every local endpoint is called with: the handlers' SDK clients sign with these, and the emulated
     * {@code @connections} API accepts no others (access key id {@code local}, secret {@code local}).
     */
    static final AwsCredentialsProvider LOCAL_CREDENTIALS = StaticCredentialsProvider.create(AwsBasicCredentials.create(
            WebSocketGateway.DEFAULT_CREDENTIALS.accessKeyId(), WebSocketGateway.DEFAULT_CREDENTIALS.secretAccessKey()));

    private final LocalSettings settings;
    private final EmbeddedDynamoDb dynamo;
    private final WebSocketGateway gateway;
    private final LocalEventBus bus;
    /** The fan-out queue, or null when the rules invoke the fan-out directly. */
    private final LocalQueue queue;
    private final Services services;
    private final TokenIssuer tokens;
    private final LocalMetrics metrics;
    private final LocalShardQueue shards;

    /** The EventBridge schedule {@code rate(1 minute)} that triggers the token-expiry sweep on AWS. */
    private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("local-schedule").factory());

    private LocalSystem(LocalSettings settings, EmbeddedDynamoDb dynamo, WebSocketGateway gateway, LocalEventBus bus,
                        LocalQueue queue, Services services, TokenIssuer tokens, LocalMetrics metrics,
                        LocalShardQueue shards) {
        this.metrics = metrics;
        this.settings = settings;
        this.shards = shards;
        this.dynamo = dynamo;
        this.gateway = gateway;
        this.bus = bus;
        this.queue = queue;
        this.services = services;
        this.tokens = tokens;
        var sweep = new TokenExpiryHandler(services);
        schedule.scheduleWithFixedDelay(() -> {
            try {
                sweep.handleRequest(new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)),
                        new ByteArrayOutputStream(), new LocalLambdaContext("pulse-token-expiry", 60_000));
            } catch (Exception | Error e) {
                LoggerFactory.getLogger(LocalSystem.class).warn("token expiry sweep failed", e);
            }
        }, 60, 60, TimeUnit.SECONDS);
    }

    public static LocalSystem start(LocalSettings settings) {
        return start(settings, List.of());
    }

    /** @param interceptors added to the handlers' SDK clients (the benchmark counts calls with one) */
    public static LocalSystem start(LocalSettings settings, List<ExecutionInterceptor> interceptors) {
        return start(settings, interceptors, nanos -> { });
    }

    /**
     * @param fanOutNanos told how long each fan-out invocation took, as Lambda would bill it (the throughput benchmark
     *                    reports Lambda time per event with it)
     */
    public static LocalSystem start(LocalSettings settings, List<ExecutionInterceptor> interceptors,
                                    java.util.function.LongConsumer fanOutNanos) {
        var dynamo = EmbeddedDynamoDb.start(settings.dynamoDbPort());
        dynamo.createConnectionsTable(CONNECTIONS_TABLE, Region.of(settings.region()));
        dynamo.createEventsTable(EVENTS_TABLE, Region.of(settings.region()));
        var tokens = new TokenIssuer(settings.jwtSecret(), settings.jwtIssuer(), settings.jwtAudience());

        // The handlers need the gateway's callback URL, and the gateway needs the handlers: bind them late.
        var handlers = new AtomicReference<Handlers>();
        var slots = new Semaphore(LOCAL_LAMBDA_CONCURRENCY);
        var lifecycleSlots = new Semaphore(LOCAL_LIFECYCLE_CONCURRENCY);
        var fanOutSlots = new Semaphore(LOCAL_FANOUT_CONCURRENCY);
        var gatewayBuilder = WebSocketGateway.builder()
                .port(settings.gatewayPort())
                .stage(settings.stage())
                .region(settings.region())
                // The handlers' ApiGatewayManagementApiClient signs with these: the only ones @connections takes.
                .credentials(LOCAL_CREDENTIALS.resolveCredentials())
                .idleTimeout(settings.idleTimeout())
                .route("$connect", event -> invokeLifecycle(handlers.get().connect(), event, "pulse-connect", slots,
                        lifecycleSlots))
                .route("$disconnect", event -> invokeLifecycle(handlers.get().disconnect(), event, "pulse-disconnect",
                        slots, lifecycleSlots))
                .route("$default", event -> invoke(handlers.get().message(), event, "pulse-default", slots));
        // The construct's connectAuthorizer: API Gateway runs the authorizer function before $connect, and hands what
        // it answers to every route of the connection.
        if (PulseConfig.fromEnvironment(settings.handlerSettings()).connections().connectAuthorizer()) {
            gatewayBuilder.authorizer(event -> handlers.get().authorizer().handleRequest(event,
                    new LocalLambdaContext("pulse-authorizer", 10_000)));
        }
        // The rules' target, as the CDK app's: the fan-out queue, whose batches the function takes (fanOutBatch N), or
        // the function itself, one event per invocation (0).
        EventTarget direct = eventJson -> invokeFanOut(handlers.get().fanOut(), eventJson, fanOutNanos, fanOutSlots);
        var queue = settings.fanOutBatch() == 0 ? null : new LocalQueue(FANOUT_QUEUE_ARN, settings.fanOutBatch(),
                // as many events at once as the direct path's invocations: the queue changes how they arrive, not how many
                Math.max(1, LOCAL_FANOUT_CONCURRENCY / settings.fanOutBatch()), FANOUT_QUEUE_MAX_RECEIVES,
                batch -> invokeFanOut(handlers.get().fanOut(), batch, fanOutNanos, fanOutSlots));
        EventTarget fanOut = queue == null ? direct : queue.target();
        var busBuilder = LocalEventBus.builder()
                .port(settings.eventBusPort())
                .region(settings.region())
                .rule(FanOutRule.RULE_NAME, FanOutRule.PATTERN, fanOut);
        // The catalog's routes, as on AWS: one rule taking the domain events they match to the same fan-out.
        var catalog = PulseConfig.fromEnvironment(settings.handlerSettings()).catalog().load();
        catalog.flatMap(EventCatalog::rulePattern).ifPresent(pattern ->
                busBuilder.rule(RulePattern.RULE_NAME, pattern, fanOut));
        var bus = busBuilder.build();
        bus.start();
        // The same origins as the handlers' (and the deployed HTTP API's), read by the same parser.
        var allowedOrigins = PulseConfig.fromEnvironment(settings.handlerSettings()).connections().allowedOrigins();
        // The query API, behind IAM authorization as on AWS: only callers signing with the local credentials get in.
        gatewayBuilder.iamHttpHandler("/rooms", new QueryHttp(() -> handlers.get().query()));
        gatewayBuilder.httpHandler("/sync", PollingHttp.withCors(new PollingHttp(() -> handlers.get().polling(),
                () -> handlers.get().metrics().flush()), allowedOrigins));
        // The demo's publisher validates with the same catalog, as a domain service's would: a bad payload is
        // refused at /dev/publish with its JSON path instead of vanishing on the dead-letter path.
        // The admin page reads through the services, which need the gateway's URL first: bound late too.
        var admin = new AtomicReference<AdminReport>();
        gatewayBuilder.httpHandler("/admin", new AdminEndpoints(admin::get,
                () -> new Publisher(eventBridgeClient(bus.endpoint(), settings.region()), "default", "pulse.local.admin")));
        gatewayBuilder.httpHandler("/", new DevEndpoints(tokens, settings.stage(),
                () -> publisherFor(bus.endpoint(), settings.region()).withCatalog(catalog.orElse(null))));
        var gateway = gatewayBuilder.build();
        gateway.start();

        var environment = lambdaEnvironment(settings, dynamo, gateway, bus);
        var config = PulseConfig.fromEnvironment(environment);
        // The same EMF documents as deployed, counted for the admin page instead of printed among the terminal's text
        // lines; with the deployed JSON log format they are printed too.
        var metrics = new LocalMetrics(LogSettings.fromEnvironment().format() == LogSettings.Format.JSON);
        // Big rooms' shards go to in-process workers, the stand-in for the shard queue and its worker function.
        var shards = new LocalShardQueue(settings.shardWorkers(), config.bigRooms().lease().plusMillis(100),
                () -> handlers.get().shardWorker());
        var services = new Services(config, LOCAL_CREDENTIALS, interceptors,
                new EmfMetrics(config.metricsNamespace(), Clock.systemUTC(), metrics), Tracer.NONE, shards, shards);
        handlers.set(new Handlers(new AuthorizerHandler(services), new ConnectHandler(services),
                new DisconnectHandler(services), new DefaultHandler(services), new FanOutHandler(services),
                new ShardWorkerHandler(services), services.pollingEndpoint().orElseThrow(), services.queryEndpoint(),
                services.metrics()));
        admin.set(new AdminReport(new TableInventory(services.dynamo(), config.tables().connections(),
                config.tables().events(), Clock.systemUTC()), () -> rejectedEvents(services),
                () -> undeliveredPosts(services), () -> failedFanOuts(bus, queue), metrics, Clock.systemUTC()));
        return new LocalSystem(settings, dynamo, gateway, bus, queue, services, tokens, metrics, shards);
    }

    /** The environment the handlers get here, as the CDK stack would set it (the cold-start benchmark uses it). */
    public Map<String, String> lambdaEnvironment() {
        return lambdaEnvironment(settings, dynamo, gateway, bus);
    }

    /** What the CDK stack sets on the functions, pointed at the local endpoints. */
    static Map<String, String> lambdaEnvironment(LocalSettings settings, EmbeddedDynamoDb dynamo, WebSocketGateway gateway,
                                                 LocalEventBus bus) {
        var env = new HashMap<String, String>();
        env.put(Env.REGION, settings.region());
        env.put(Env.CONNECTIONS_TABLE, CONNECTIONS_TABLE);
        env.put(Env.EVENTS_TABLE, EVENTS_TABLE);
        env.put(Env.DYNAMODB_ENDPOINT, dynamo.endpoint().toString());
        env.put(Env.EVENTBRIDGE_ENDPOINT, bus.endpoint().toString());
        env.put(Env.MANAGEMENT_ENDPOINT, gateway.managementEndpoint().toString());
        env.put(Env.JWT_SECRET, settings.jwtSecret());
        env.put(Env.JWT_ISSUER, settings.jwtIssuer());
        env.put(Env.JWT_AUDIENCE, settings.jwtAudience());
        env.put(Env.FANOUT_CONCURRENCY, Integer.toString(settings.fanoutConcurrency()));
        // One process: every join and leave goes through the stores that forget a room's member list, and a kept list
        // goes when its first member lapses, so reusing it is exact here however long: a minute, so a room with a few
        // events a second is not read again every second (deployed, the default is off: PulseConfig.DEFAULT_MEMBERS_CACHE).
        env.put(Env.MEMBERS_CACHE_MS, Long.toString(LOCAL_MEMBERS_CACHE.toMillis()));
        // A shorter lease than the worker function's 20 s timeout: a local worker killed by a test's fault switch is
        // retried within seconds (the local queue's visibility timeout follows it).
        env.put(Env.SHARD_LEASE_MS, "2000");
        env.put(Env.BIG_ROOM_THRESHOLD, Integer.toString(LOCAL_BIG_ROOM_THRESHOLD));
        env.putAll(settings.handlerSettings());
        return env;
    }

    private static APIGatewayV2WebSocketResponse invoke(
            RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> handler,
            APIGatewayV2WebSocketEvent event, String functionName, Semaphore slots) throws InterruptedException {
        slots.acquire();
        try {
            return handler.handleRequest(event, new LocalLambdaContext(functionName, 29_000));
        } finally {
            slots.release();
        }
    }

    private static APIGatewayV2WebSocketResponse invokeLifecycle(
            RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> handler,
            APIGatewayV2WebSocketEvent event, String functionName, Semaphore slots, Semaphore lifecycleSlots)
            throws InterruptedException {
        lifecycleSlots.acquire();
        try {
            return invoke(handler, event, functionName, slots);
        } finally {
            lifecycleSlots.release();
        }
    }

    /** One invocation of the fan-out function with this event (EventBridge's or an SQS batch); what it answered. */
    private static String invokeFanOut(FanOutHandler handler, String eventJson, java.util.function.LongConsumer nanos,
                                       Semaphore slots) throws Exception {
        var out = new ByteArrayOutputStream();
        slots.acquire();
        long started = System.nanoTime();
        try {
            handler.handleRequest(new ByteArrayInputStream(eventJson.getBytes(StandardCharsets.UTF_8)), out,
                    new LocalLambdaContext("pulse-fanout", 60_000));
        } finally {
            nanos.accept(System.nanoTime() - started);
            slots.release();
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Publisher publisherFor(URI eventBusEndpoint, String region) {
        return new Publisher(eventBridgeClient(eventBusEndpoint, region), "default", "pulse.local.demo");
    }

    static EventBridgeClient eventBridgeClient(URI endpoint, String region) {
        return EventBridgeClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(region))
                .credentialsProvider(LOCAL_CREDENTIALS)
                .httpClient(ApacheHttpClient.create())
                .build();
    }

    /** A stock EventBridge client pointed at the local bus, as a domain service would configure it. */
    public EventBridgeClient eventBridgeClient() {
        return eventBridgeClient(bus.endpoint(), settings.region());
    }

    public URI webSocketUri() {
        return gateway.webSocketUri();
    }

    public URI managementEndpoint() {
        return gateway.managementEndpoint();
    }

    public URI eventBridgeEndpoint() {
        return bus.endpoint();
    }

    public URI dynamoDbEndpoint() {
        return dynamo.endpoint();
    }

    /** The handlers' metrics, counted from their EMF documents (the admin page's counters). */
    public LocalMetrics metrics() {
        return metrics;
    }

    public TokenIssuer tokens() {
        return tokens;
    }

    public Services services() {
        return services;
    }

    public LocalEventBus eventBus() {
        return bus;
    }

    public WebSocketGateway gateway() {
        return gateway;
    }

    /** The catalog events are validated and routed with ({@code PULSE_CATALOG}), if any. */
    public Optional<EventCatalog> catalog() {
        return services.eventIntake().catalog();
    }

    /** Events the fan-out refused (invalid, unknown or unroutable), oldest first: the local dead-letter path. */
    public List<Rejection> rejectedEvents() {
        return rejectedEvents(services);
    }

    private static List<Rejection> rejectedEvents(Services services) {
        return services.deadLetters() instanceof InMemoryDeadLetters list ? list.all() : List.of();
    }

    /**
     * Posts that failed after their retries, one entry per event, oldest first: the local dead-letter path of
     * undelivered posts (on AWS the fan-out's dead-letter queue).
     */
    public List<Undelivered> undeliveredPosts() {
        return undeliveredPosts(services);
    }

    /** Fan-out invocations the bus gave up on, and with the fan-out queue the messages it dead-lettered. */
    private static List<DeadLetter> failedFanOuts(LocalEventBus bus, LocalQueue queue) {
        var failed = new java.util.ArrayList<>(bus.deadLetters());
        if (queue != null) {
            failed.addAll(queue.deadLetters());
        }
        return failed;
    }

    private static List<Undelivered> undeliveredPosts(Services services) {
        return services.undelivered() instanceof InMemoryUndelivered list ? list.all() : List.of();
    }

    /** Posts an undelivered entry's frames again; what still fails is recorded again. */
    public FanOut.Posted replay(Undelivered entry) {
        return services.replay(entry);
    }

    /** Waits until every published event has been delivered (or dead-lettered), big rooms' shards included. */
    public boolean awaitDeliveries(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        // The bus hands an event to the queue at once, and a failed batch message waits in the queue: both must be idle.
        while (true) {
            if (!bus.awaitIdle(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                return false;
            }
            if (queue == null) {
                return shards.awaitIdle(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            }
            if (!queue.awaitIdle(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                return false;
            }
            if (bus.awaitIdle(Duration.ZERO)) {
                return shards.awaitIdle(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            }
        }
    }

    /** Fan-out queue messages dead-lettered after their receives (empty when the rules invoke the fan-out directly). */
    public List<DeadLetter> queueDeadLetters() {
        return queue == null ? List.of() : queue.deadLetters();
    }

    /** The big rooms' shard queue and its in-process workers (with the tests' fault switches). */
    public LocalShardQueue shardQueue() {
        return shards;
    }

    @Override
    public void close() {
        schedule.shutdownNow();
        services.close();
        gateway.close();
        bus.close();
        shards.close();
        if (queue != null) {
            queue.close();
        }
        dynamo.close();
    }

    private record Handlers(AuthorizerHandler authorizer, ConnectHandler connect, DisconnectHandler disconnect,
                            DefaultHandler message, FanOutHandler fanOut, ShardWorkerHandler shardWorker,
                            dev.pulse.sync.PollingEndpoint polling, dev.pulse.presence.QueryEndpoint query,
                            dev.pulse.support.metrics.Metrics metrics) {
    }
}
