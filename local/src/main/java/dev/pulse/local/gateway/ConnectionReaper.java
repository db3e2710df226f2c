package dev.pulse.local.gateway;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.StatusCode;

/**
 * Enforces API Gateway's two connection limits: the idle timeout (no frame from the client for that long)
 * and the maximum connection duration. Both end the socket with 1001 "Going away". One periodic sweep over
 * all connections is far cheaper than a timer per connection that every frame would have to reschedule.
 */
final class ConnectionReaper implements AutoCloseable {
    static final String GOING_AWAY = "Going away";

    /** A socket accepted by $connect but never opened (a handshake lost mid-way) is dropped after this. */
    private static final long UNOPENED_LIMIT_MILLIS = 30_000;

    private final Connections connections;
    private final RouteInvoker invoker;
    private final long idleMillis;
    private final long maxDurationMillis;
    private final ScheduledExecutorService scheduler;

    ConnectionReaper(Connections connections, RouteInvoker invoker, Duration idleTimeout, Duration maxConnectionDuration) {
        this.connections = connections;
        this.invoker = invoker;
        this.idleMillis = idleTimeout.toMillis();
        this.maxDurationMillis = maxConnectionDuration.toMillis();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("ws-gateway-reaper").factory());
    }

    /** Sweeps often enough that a limit is overshot by at most a quarter of it (and never by more than 1 s). */
    void start() {
        long period = Math.clamp(Math.min(idleMillis, maxDurationMillis) / 4, 10L, 1000L);
        scheduler.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    void sweep() {
        long now = System.currentTimeMillis();
        for (GatewayConnection connection : connections.all()) {
            if (now - connection.connectedAt() >= UNOPENED_LIMIT_MILLIS && !connection.hasOpened()) {
                connection.abandon();
                invoker.disconnected(connection, StatusCode.ABNORMAL, "Handshake failed");
            } else if (now - connection.lastActiveAt() >= idleMillis || now - connection.connectedAt() >= maxDurationMillis) {
                connection.close(StatusCode.SHUTDOWN, GOING_AWAY);
            }
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
