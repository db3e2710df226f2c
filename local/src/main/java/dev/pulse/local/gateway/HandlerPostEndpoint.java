package dev.pulse.local.gateway;

import java.net.URI;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The {@code @connections} API once more, on a loopback port of its own, for the local runtime's handlers. The
 * gateway's port also hosts blocking handlers ({@code $connect}, polling, the dev endpoints), and Jetty hands every
 * request of a server that has one to a thread of its own. Here the only handler never blocks
 * ({@link ManagementApi}), so Jetty parses, verifies and answers each post on the selector thread that read it: no
 * hand-off and no wake-up of another thread per post, which on two cores was worth about a fifth more events per
 * second in {@code ./pulse bench-throughput} (docs/BENCHMARKS.md). The gateway's port keeps serving the same API, with
 * the same checks, for callers outside the process.
 */
final class HandlerPostEndpoint implements AutoCloseable {
    private static final String LOOPBACK = "127.0.0.1";

    private final Server server;
    private final ServerConnector connector;
    private final String stage;

    HandlerPostEndpoint(ManagementApi api, HttpConfiguration http, String stage) {
        var threads = new QueuedThreadPool();
        threads.setName("ws-posts");
        this.server = new Server(threads);
        this.connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(LOOPBACK);
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(api);
        this.stage = stage;
    }

    void start() throws Exception {
        server.start();
    }

    /** {@code http://127.0.0.1:PORT/STAGE}: where the handlers post; started only. */
    URI endpoint() {
        return URI.create("http://" + LOOPBACK + ":" + connector.getLocalPort() + "/" + stage);
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
