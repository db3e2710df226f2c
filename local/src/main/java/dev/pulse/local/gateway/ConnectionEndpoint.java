package dev.pulse.local.gateway;

import java.nio.ByteBuffer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of one accepted socket: registers it, feeds its frames to the routes, reports its end.
 * Public only because Jetty binds listener methods through method handles; it is not API.
 */
public final class ConnectionEndpoint implements Session.Listener.AutoDemanding {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionEndpoint.class);

    private final GatewayConnection connection;
    private final RouteInvoker invoker;

    ConnectionEndpoint(GatewayConnection connection, RouteInvoker invoker) {
        this.connection = connection;
        this.invoker = invoker;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        connection.attach(session, System.currentTimeMillis());
    }

    @Override
    public void onWebSocketText(String message) {
        connection.touch(System.currentTimeMillis());
        invoker.message(connection, message);
    }

    /** API Gateway routes text only; a binary frame ends the connection with 1003 (unsupported data). */
    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        callback.succeed();
        connection.touch(System.currentTimeMillis());
        connection.close(StatusCode.BAD_DATA, "Binary frames are not supported");
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        invoker.disconnected(connection, statusCode, reason);
    }

    /** Jetty follows every error with {@link #onWebSocketClose}, which carries the status the client saw. */
    @Override
    public void onWebSocketError(Throwable cause) {
        LOG.debug("connection {} failed", connection.id(), cause);
    }
}
