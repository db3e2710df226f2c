package dev.pulse.local.gateway;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * A local API Gateway WebSocket API: the WebSocket endpoint at {@code ws://localhost:PORT/STAGE}, with route
 * selection on {@code $request.body.action}, and the {@code @connections} management API at
 * {@code http://localhost:PORT/STAGE/@connections/{id}} on the same port. Handlers run unchanged against it,
 * and the stock {@code ApiGatewayManagementApiClient} works against {@link #managementEndpoint()}.
 */
public final class WebSocketGateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketGateway.class);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(2);
    private static final Duration INVOCATION_DRAIN = Duration.ofSeconds(10);
    /** Request line and headers together; a larger upgrade request is refused with 431 before $connect. */
    static final int MAX_REQUEST_HEAD_BYTES = 128 * 1024;
    /** Access key id {@code local}, secret {@code local}: what the local runtime gives its handlers. */
    public static final AwsCredentialsIdentity DEFAULT_CREDENTIALS = AwsCredentialsIdentity.create("local", "local");

    private final Settings settings;
    private final Connections connections = new Connections();
    private final WebSocketEvents events;
    private final ExecutorService invocations =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("ws-gateway-route-", 0).factory());
    private final RouteInvoker invoker;
    private final ConnectionReaper reaper;
    private final Server server;
    private final ServerConnector connector;
    private final ManagementApi managementApi;
    private volatile boolean closing;
    private boolean started;

    /** The builder's values, frozen at build() so later builder calls cannot change a running gateway. */
    private record Settings(int port, String bindAddress, String stage, String apiId, String region,
                            AwsCredentialsIdentity credentials, Clock clock,
                            Duration idleTimeout, Duration maxConnectionDuration, int maxMessageBytes, int maxFrameBytes,
                            Map<String, WebSocketIntegration> routes, Map<String, Handler> httpHandlers,
                            Supplier<String> connectionIds, ConnectAuthorizer authorizer,
                            Map<String, Handler> iamHttpHandlers) {
        Settings {
            routes = Map.copyOf(routes);
            httpHandlers = Collections.unmodifiableMap(new LinkedHashMap<>(httpHandlers));
            iamHttpHandlers = Collections.unmodifiableMap(new LinkedHashMap<>(iamHttpHandlers));
        }
    }

    private WebSocketGateway(Settings settings) {
        this.settings = settings;
        this.events = new WebSocketEvents(settings.stage(), settings.apiId());
        var routes = new Routes(settings.routes());
        this.invoker = new RouteInvoker(routes, events, connections, invocations);
        this.reaper = new ConnectionReaper(connections, invoker, settings.idleTimeout(), settings.maxConnectionDuration());

        var threads = new QueuedThreadPool();
        threads.setName("ws-gateway");
        // Blocking work ($connect integrations, @connections bodies) runs on virtual threads, so thousands of
        // concurrent upgrades or posts do not need thousands of platform threads.
        threads.setVirtualThreadsExecutor(VirtualThreads.getNamedVirtualThreadsExecutor("ws-gateway-vt"));
        this.server = new Server(threads);
        var http = new HttpConfiguration();
        http.setSendServerVersion(false);
        // Jetty's default (8 KB) answered a long token in a header with 431 before $connect could refuse it with
        // the documented 401. URLs are held to API Gateway's 4,096 characters by ConnectUpgrade.
        http.setRequestHeaderSize(MAX_REQUEST_HEAD_BYTES);
        // Jetty caches header fields per connection for reuse by the next request; SigV4's Authorization and
        // X-Amz-Date differ on every @connections call, so the cache only churned (13 % of the emulator's CPU per
        // post in issue 14's profile). Off: each header is parsed once, and nothing is cached.
        http.setHeaderCacheSize(0);
        // Connection ids contain '/', sent as %2F; Jetty rejects such "ambiguous" paths unless told otherwise.
        http.setUriCompliance(UriCompliance.DEFAULT.with("api-gateway-connection-ids",
                UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR, UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING));
        this.connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(settings.bindAddress());
        connector.setPort(settings.port());
        server.addConnector(connector);

        int maxFrameBytes = Math.min(settings.maxFrameBytes(), settings.maxMessageBytes());
        // The account id is a placeholder: nothing local checks it, and a policy for "*" or this ARN both match.
        String connectArn = "arn:aws:execute-api:" + settings.region() + ":000000000000:" + settings.apiId() + "/"
                + settings.stage() + "/$connect";
        var upgrade = new ConnectUpgrade(routes, events, connections, invoker, settings.connectionIds(), () -> closing,
                maxFrameBytes, settings.authorizer(), connectArn);
        var context = new ContextHandler("/");
        var webSockets = WebSocketUpgradeHandler.from(server, context, container -> {
            // Our reaper enforces API Gateway's idle rule (client frames only). Jetty's own timeout counts any
            // I/O, so set just above ours it only catches peers that vanished mid close handshake.
            container.setIdleTimeout(settings.idleTimeout().plus(Duration.ofSeconds(5)));
            container.setMaxTextMessageSize(settings.maxMessageBytes());
            container.setMaxBinaryMessageSize(settings.maxMessageBytes());
            // API Gateway takes frames of at most 32 KB and messages up to 128 KB only as several frames; a
            // larger frame closes the connection with 1009. Jetty would otherwise split big frames itself
            // (auto-fragment) and accept a 128 KB single frame that API Gateway refuses. Messages to clients
            // go out in frames of the same size (GatewayConnection).
            container.setMaxFrameSize(maxFrameBytes);
            container.setAutoFragment(false);
            container.addMapping("/" + settings.stage(), upgrade);
        });
        List<Handler> handlers = new ArrayList<>();
        var signatures = new SigV4Verifier(settings.credentials(), settings.region(), settings.clock());
        this.managementApi = new ManagementApi(settings.stage(), settings.maxMessageBytes(), connections, signatures);
        handlers.add(managementApi);
        settings.iamHttpHandlers().forEach((prefix, handler) ->
                handlers.add(new PathPrefixHandler(prefix, new IamAuthorizedHandler(signatures, handler))));
        settings.httpHandlers().forEach((prefix, handler) -> handlers.add(new PathPrefixHandler(prefix, handler)));
        handlers.add(new UpgradeRequired("/" + settings.stage()));
        webSockets.setHandler(new Handler.Sequence(handlers));
        context.setHandler(webSockets);
        server.setHandler(context);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds the port and starts serving; call once. */
    public synchronized WebSocketGateway start() {
        if (started) {
            throw new IllegalStateException("gateway already started");
        }
        started = true;
        try {
            server.start();
        } catch (Exception e) {
            close();
            throw new IllegalStateException("could not start the WebSocket gateway on port " + settings.port(), e);
        }
        events.domainName("localhost:" + port());
        reaper.start();
        LOG.info("API Gateway WebSocket emulator on {} (management API {})", webSocketUri(), managementEndpoint());
        return this;
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** {@code ws://localhost:PORT/STAGE}: what clients connect to. */
    public URI webSocketUri() {
        return URI.create("ws://localhost:" + port() + "/" + settings.stage());
    }

    /** {@code http://localhost:PORT/STAGE}: the SDK's endpointOverride; it appends {@code /@connections/{id}}. */
    public URI managementEndpoint() {
        return URI.create("http://localhost:" + port() + "/" + settings.stage());
    }

    public String stage() {
        return settings.stage();
    }

    public String apiId() {
        return settings.apiId();
    }

    /** The region {@code @connections} calls must be signed for. */
    public String region() {
        return settings.region();
    }

    /**
     * Test-only fault switch: from now on, POSTs to {@code @connections} are answered as {@code faults} says (429 or
     * 5xx instead of delivering); null switches it off. For tests of what callers do when API Gateway throttles or
     * fails; the local runtime never sets one.
     */
    public void failPosts(PostFaults faults) {
        managementApi.failPosts(faults);
    }

    /** {@code @connections} POSTs received with a valid signature so far (benchmarks count calls with it). */
    public long postRequests() {
        return managementApi.posts();
    }

    public int connectionCount() {
        return connections.size();
    }

    /**
     * Closes every connection with 1001 (each gets its {@code $disconnect}), stops the server, then waits a
     * bounded time for in-flight invocations so handlers finish before their backing services go away.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
        }
        reaper.close();
        connections.all().forEach(c -> c.close(StatusCode.SHUTDOWN, ConnectionReaper.GOING_AWAY));
        long deadline = System.nanoTime() + SHUTDOWN_GRACE.toNanos();
        while (connections.size() > 0 && System.nanoTime() < deadline) {
            sleep(10);
        }
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("error stopping the WebSocket gateway", e);
        }
        // Sockets that did not finish their close handshake still get their one $disconnect.
        List.copyOf(connections.all()).forEach(c ->
                invoker.disconnected(c, StatusCode.SHUTDOWN, ConnectionReaper.GOING_AWAY));
        invocations.shutdown();
        try {
            if (!invocations.awaitTermination(INVOCATION_DRAIN.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("route invocations still running after {}", INVOCATION_DRAIN);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A plain HTTP request to the WebSocket path. */
    private static final class UpgradeRequired extends Handler.Abstract.NonBlocking {
        private final String path;

        UpgradeRequired(String path) {
            this.path = path;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            if (!Request.getPathInContext(request).equals(path)) {
                return false;
            }
            response.setStatus(HttpStatus.UPGRADE_REQUIRED_426);
            Content.Sink.write(response, true, "WebSocket upgrade required\n", callback);
            return true;
        }
    }

    public static final class Builder {
        private static final Pattern STAGE = Pattern.compile("[A-Za-z0-9_-]{1,128}");

        private int port = 0;
        private String bindAddress = "127.0.0.1";
        private String stage = "local";
        private String apiId = "local";
        private String region = "us-east-1";
        private AwsCredentialsIdentity credentials = DEFAULT_CREDENTIALS;
        private Clock clock = Clock.systemUTC();
        private Duration idleTimeout = Duration.ofMinutes(10);
        private Duration maxConnectionDuration = Duration.ofHours(2);
        private int maxMessageBytes = 128 * 1024;
        private int maxFrameBytes = 32 * 1024;
        private final Map<String, WebSocketIntegration> routes = new LinkedHashMap<>();
        private final Map<String, Handler> httpHandlers = new LinkedHashMap<>();
        private Supplier<String> connectionIds = ConnectionIds.secure();
        private ConnectAuthorizer authorizer;
        private final Map<String, Handler> iamHttpHandlers = new LinkedHashMap<>();

        private Builder() {
        }

        /** 0 picks any free port. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Where to listen; loopback by default: the management API's credentials are development ones that
         * anyone can read in this code.
         */
        public Builder bindAddress(String bindAddress) {
            this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
            return this;
        }

        public Builder stage(String stage) {
            if (stage == null || !STAGE.matcher(stage).matches()) {
                throw new IllegalArgumentException("stage must match " + STAGE + ", was " + stage);
            }
            this.stage = stage;
            return this;
        }

        /** {@code $connect}, {@code $disconnect}, {@code $default}, or a custom action (not starting with '$'). */
        public Builder route(String routeKey, WebSocketIntegration integration) {
            Routes.validateKey(routeKey);
            routes.put(routeKey, Objects.requireNonNull(integration, "integration"));
            return this;
        }

        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = positive(idleTimeout, "idleTimeout");
            return this;
        }

        public Builder maxConnectionDuration(Duration maxConnectionDuration) {
            this.maxConnectionDuration = positive(maxConnectionDuration, "maxConnectionDuration");
            return this;
        }

        /**
         * Largest message, all its frames together (API Gateway: 128 KB); a larger one closes with 1009. Also the
         * largest {@code @connections} POST body (413 above).
         */
        public Builder maxMessageBytes(int maxMessageBytes) {
            if (maxMessageBytes <= 0) {
                throw new IllegalArgumentException("maxMessageBytes must be positive, was " + maxMessageBytes);
            }
            this.maxMessageBytes = maxMessageBytes;
            return this;
        }

        /** Largest single WebSocket frame a client may send (API Gateway: 32 KB); a larger one closes with 1009. */
        public Builder maxFrameBytes(int maxFrameBytes) {
            if (maxFrameBytes <= 0) {
                throw new IllegalArgumentException("maxFrameBytes must be positive, was " + maxFrameBytes);
            }
            this.maxFrameBytes = maxFrameBytes;
            return this;
        }

        public Builder apiId(String apiId) {
            this.apiId = requireText(apiId, "apiId");
            return this;
        }

        /** The region {@code @connections} calls must be signed for; reported by {@link WebSocketGateway#region()}. */
        public Builder region(String region) {
            this.region = requireText(region, "region");
            return this;
        }

        /**
         * The only credentials {@code @connections} calls may be signed with (SigV4, service {@code execute-api});
         * {@link #DEFAULT_CREDENTIALS} unless set. Session credentials are not accepted.
         */
        public Builder credentials(AwsCredentialsIdentity credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        /** The clock signatures' X-Amz-Date is checked against (tests pin it). */
        Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Serves plain HTTP requests under {@code pathPrefix} (e.g. a demo page, a dev-token endpoint) on the
         * same port. WebSocket upgrades and {@code @connections} calls are matched first; the handler sees
         * the full request path.
         */
        public Builder httpHandler(String pathPrefix, Handler handler) {
            if (pathPrefix == null || !pathPrefix.startsWith("/")) {
                throw new IllegalArgumentException("pathPrefix must start with '/', was " + pathPrefix);
            }
            httpHandlers.put(pathPrefix, Objects.requireNonNull(handler, "handler"));
            return this;
        }

        /**
         * A plain HTTP route under {@code pathPrefix} behind IAM authorization, as an API Gateway route with
         * {@code AWS_IAM}: only requests SigV4-signed with the gateway's credentials reach the handler. For GETs.
         */
        public Builder iamHttpHandler(String pathPrefix, Handler handler) {
            if (pathPrefix == null || !pathPrefix.startsWith("/")) {
                throw new IllegalArgumentException("pathPrefix must start with '/', was " + pathPrefix);
            }
            iamHttpHandlers.put(pathPrefix, Objects.requireNonNull(handler, "handler"));
            return this;
        }

        /** A REQUEST authorizer on {@code $connect}, as the construct's {@code connectAuthorizer} adds on AWS. */
        public Builder authorizer(ConnectAuthorizer authorizer) {
            this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
            return this;
        }

        /** Tests pin ids to ones containing '+', '/' and '='. */
        Builder connectionIds(Supplier<String> connectionIds) {
            this.connectionIds = Objects.requireNonNull(connectionIds, "connectionIds");
            return this;
        }

        public WebSocketGateway build() {
            return new WebSocketGateway(new Settings(port, bindAddress, stage, apiId, region, credentials, clock, idleTimeout,
                    maxConnectionDuration, maxMessageBytes, maxFrameBytes, routes, httpHandlers, connectionIds, authorizer,
                    iamHttpHandlers));
        }

        private static Duration positive(Duration duration, String name) {
            if (duration == null || duration.isNegative() || duration.toMillis() < 1) {
                throw new IllegalArgumentException(name + " must be at least 1 ms, was " + duration);
            }
            return duration;
        }

        private static String requireText(String value, String name) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank");
            }
            return value;
        }
    }
}
