package dev.pulse.local.eventbridge;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An EventBridge event bus on the laptop: a real HTTP endpoint that the stock {@code EventBridgeClient}
 * talks to with {@code endpointOverride(bus.endpoint())}, rules matched with event-ruler, and targets invoked
 * asynchronously with retries and a dead-letter list.
 * <pre>{@code
 * try (LocalEventBus bus = LocalEventBus.builder()
 *         .busName("pulse")
 *         .rule(FanOutRule.RULE_NAME, FanOutRule.PATTERN, fanOut::handle)
 *         .build()
 *         .start()) {
 *     EventBridgeClient client = EventBridgeClient.builder().endpointOverride(bus.endpoint())…;
 * }
 * }</pre>
 * Only PutEvents is served; rules are fixed when the bus is built (there is no PutRule/PutTargets).
 */
public final class LocalEventBus implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalEventBus.class);

    private final String host;
    private final int requestedPort;
    private final String busName;
    private final String region;
    private final Deliveries deliveries;
    private final PutEventsOperation operation;
    private Server server;
    private ServerConnector connector;

    private LocalEventBus(Builder b) {
        this.host = b.host;
        this.requestedPort = b.port;
        this.busName = b.busName;
        this.region = b.region;
        this.deliveries = new Deliveries(b.maxAttempts, b.retryBaseDelay, b.clock);
        this.operation = new PutEventsOperation(b.busName, b.region, b.rules, deliveries, b.clock);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts listening.
     *
     * @return this bus, for chaining
     * @throws IllegalStateException if already started or the port cannot be bound
     */
    public synchronized LocalEventBus start() {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("local-eventbus-http");
        Server s = new Server(threads);
        ServerConnector c = new ServerConnector(s);
        c.setHost(host);
        c.setPort(requestedPort);
        s.addConnector(c);
        s.setHandler(new PutEventsHandler(operation));
        try {
            s.start();
        } catch (Exception e) {
            try {
                s.stop();
            } catch (Exception ignored) {
                // the start failure is what matters
            }
            throw new IllegalStateException("local EventBridge could not listen on " + host + ":" + requestedPort, e);
        }
        server = s;
        connector = c;
        LOG.info("local EventBridge bus '{}' ({}) listening on {}", busName, region, endpoint());
        return this;
    }

    /** Where to point {@code EventBridgeClient.builder().endpointOverride(…)}. */
    public synchronized URI endpoint() {
        if (connector == null) {
            throw new IllegalStateException("not started");
        }
        String h = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        return URI.create("http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + connector.getLocalPort());
    }

    public String busName() {
        return busName;
    }

    public String region() {
        return region;
    }

    /** The bus ARN, also accepted as {@code EventBusName}. */
    public String eventBusArn() {
        return "arn:aws:events:" + region + ":" + PutEventsOperation.ACCOUNT + ":event-bus/" + busName;
    }

    /**
     * Waits until every accepted event has been delivered or dead-lettered (including pending retries).
     *
     * @return false if deliveries were still pending at the timeout
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        return deliveries.awaitIdle(timeout);
    }

    /** Events whose target failed every attempt, oldest first. */
    public List<DeadLetter> deadLetters() {
        return deliveries.deadLetters();
    }

    /** Stops listening and drops pending deliveries (interrupting targets still running). */
    @Override
    public synchronized void close() {
        if (server != null) {
            try {
                server.stop();
            } catch (Exception e) {
                LOG.warn("stopping the local EventBridge HTTP server failed", e);
            }
            server = null;
            connector = null;
        }
        deliveries.close();
    }

    /** Configures a bus; use once. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private String busName = "default";
        private String region = "us-east-1";
        private final EventRules rules = new EventRules();
        private int maxAttempts = 3;
        private Duration retryBaseDelay = Duration.ofMillis(100);
        private Clock clock = Clock.systemUTC();
        private boolean built;

        private Builder() {
        }

        /** Interface to bind; default 127.0.0.1 (this machine only). */
        public Builder host(String host) {
            this.host = requireText(host, "host");
            return this;
        }

        /** 0 (the default) picks a free port; see {@link #endpoint()}. */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /** The one bus this endpoint serves; entries for other buses fail. Default {@code default}. */
        public Builder busName(String busName) {
            this.busName = requireText(busName, "busName");
            return this;
        }

        /** Reported as {@code region} in delivered events. Default {@code us-east-1}. */
        public Builder region(String region) {
            this.region = requireText(region, "region");
            return this;
        }

        /**
         * Adds a rule: events matching the event pattern are delivered to the target.
         *
         * @throws IllegalArgumentException for an invalid pattern, a blank or duplicate name, or no target
         */
        public Builder rule(String name, String patternJson, EventTarget target) {
            checkNotBuilt();
            rules.add(name, patternJson, target);
            return this;
        }

        /** Invocations per event and target before it is dead-lettered; default 3, at least 1. */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** Delay before the first retry, doubled for each further one (capped at a minute); default 100 ms. */
        public Builder retryBaseDelay(Duration retryBaseDelay) {
            if (retryBaseDelay == null || retryBaseDelay.isNegative()) {
                throw new IllegalArgumentException("retryBaseDelay must be zero or positive");
            }
            this.retryBaseDelay = retryBaseDelay;
            return this;
        }

        /** The clock for event times without an explicit {@code Time}. */
        public Builder clock(Clock clock) {
            this.clock = java.util.Objects.requireNonNull(clock, "clock");
            return this;
        }

        public LocalEventBus build() {
            checkNotBuilt();
            built = true;
            return new LocalEventBus(this);
        }

        private void checkNotBuilt() {
            if (built) {
                throw new IllegalStateException("this builder already built a bus");
            }
        }

        private static String requireText(String value, String name) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank");
            }
            return value;
        }
    }
}
