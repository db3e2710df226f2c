package dev.pulse.local.gateway;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.eclipse.jetty.websocket.api.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Invokes the message and disconnect routes. Each invocation runs on its own virtual thread: API Gateway
 * gives no ordering between the messages of one connection, and handlers must not assume any.
 */
final class RouteInvoker {
    private static final Logger LOG = LoggerFactory.getLogger(RouteInvoker.class);

    private final Routes routes;
    private final WebSocketEvents events;
    private final Connections connections;
    private final Executor executor;

    RouteInvoker(Routes routes, WebSocketEvents events, Connections connections, Executor executor) {
        this.routes = routes;
        this.events = events;
        this.connections = connections;
        this.executor = executor;
    }

    void message(GatewayConnection connection, String body) {
        long now = System.currentTimeMillis();
        submit(() -> invokeMessage(connection, body, now));
    }

    /**
     * Called for every way a connection ends; only the first call counts, so {@code $disconnect} runs
     * exactly once per connection. Its failures are only logged: nobody is left to tell.
     */
    void disconnected(GatewayConnection connection, int statusCode, String reason) {
        if (!connection.finish()) {
            return;
        }
        connections.remove(connection);
        WebSocketIntegration integration = routes.disconnect();
        if (integration == null) {
            return;
        }
        APIGatewayV2WebSocketEvent event =
                events.disconnect(connection, statusCode, reason, System.currentTimeMillis());
        submit(() -> {
            try {
                integration.handle(event);
            } catch (Exception | LinkageError e) {
                LOG.warn("$disconnect integration failed for connection {}", connection.id(), e);
            }
        });
    }

    private void invokeMessage(GatewayConnection connection, String body, long now) {
        String routeKey = routes.select(body);
        APIGatewayV2WebSocketEvent event = events.message(connection, routeKey, body, now);
        String requestId = event.getRequestContext().getRequestId();
        WebSocketIntegration integration = routes.integration(routeKey);
        if (integration == null) {
            // No matching route and no $default: API Gateway answers with this frame and keeps the socket open.
            connection.send(errorFrame("Forbidden", connection.id(), requestId), Callback.NOOP);
            return;
        }
        try {
            // The integration's response is dropped: without a route response API Gateway sends nothing back.
            integration.handle(event);
        } catch (Exception | LinkageError e) {
            LOG.warn("{} integration failed for connection {}", routeKey, connection.id(), e);
            connection.send(errorFrame("Internal server error", connection.id(), requestId), Callback.NOOP);
        }
    }

    /** The exact shape (spacing included) of API Gateway's own error frames. */
    static String errorFrame(String message, String connectionId, String requestId) {
        return "{\"message\": \"" + message + "\", \"connectionId\":\"" + connectionId
                + "\", \"requestId\":\"" + requestId + "\"}";
    }

    private void submit(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException shuttingDown) {
            LOG.debug("gateway is shutting down; dropped an invocation");
        }
    }
}
