package dev.pulse.local.bench;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A null {@code @connections} endpoint for {@link PostBenchmark}: every request's body is read and answered 200 with
 * an empty body at once, nothing checked. It runs in its own JVM so that none of its CPU is counted as the handler's.
 * Prints {@code PORT <n>} once listening; ends when its standard input closes (the benchmark ended).
 */
public final class NullGateway {
    public static void main(String[] args) throws Exception {
        var server = new Server();
        var http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(false);
        var connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                Content.Source.consumeAll(request, Callback.from(() -> {
                    response.setStatus(200);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0L);
                    callback.succeeded();
                }, callback::failed));
                return true;
            }
        });
        server.start();
        System.out.println("PORT " + connector.getLocalPort());
        System.out.flush();
        while (System.in.read() >= 0) {
            // Runs until the benchmark closes our input (or exits).
        }
        server.stop();
        System.exit(0);
    }
}
