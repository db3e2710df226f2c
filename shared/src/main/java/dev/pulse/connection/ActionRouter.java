package dev.pulse.connection;

import dev.pulse.delivery.ConnectionSender;
import dev.pulse.protocol.ClientFrame;
import dev.pulse.protocol.ErrorCode;
import dev.pulse.protocol.FrameParser;
import dev.pulse.protocol.ProtocolException;
import dev.pulse.protocol.ServerFrames;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code $default}: parses a client frame, runs its action for the sending connection and answers through
 * {@code @connections}. Every failure becomes an error frame; none closes the connection.
 */
public final class ActionRouter {
    private static final Logger LOG = LoggerFactory.getLogger(ActionRouter.class);

    private final Map<String, ActionHandler> actions;
    private final ConnectionStore connections;
    private final ConnectionSender sender;

    public ActionRouter(Map<String, ActionHandler> actions, ConnectionStore connections, ConnectionSender sender) {
        this.actions = Map.copyOf(actions);
        this.connections = connections;
        this.sender = sender;
    }

    public void route(String connectionId, String body) {
        String requestId = null;
        try {
            ClientFrame frame = FrameParser.parse(body);
            requestId = frame.id();
            ActionHandler handler = actions.get(frame.action());
            if (handler == null) {
                throw new ActionException(ErrorCode.UNKNOWN_ACTION, "unknown action '" + frame.action() + "'");
            }
            Optional<Connection> connection = connections.find(connectionId);
            if (connection.isEmpty()) {
                // The record expired or the connection is closing: nothing can be done on its behalf.
                throw new ActionException(ErrorCode.FORBIDDEN, "connection is not registered");
            }
            var data = handler.handle(connection.get(), frame);
            if (requestId != null) {
                sender.send(connectionId, ServerFrames.replyOk(requestId, data));
            }
        } catch (ProtocolException e) {
            sender.send(connectionId, ServerFrames.failure(e.requestId(), e.code(), e.getMessage()));
        } catch (ActionException e) {
            sender.send(connectionId, ServerFrames.failure(requestId, e.code(), e.getMessage()));
        } catch (RuntimeException e) {
            LOG.error("action failed connectionId={} requestId={}", connectionId, requestId, e);
            sender.send(connectionId, ServerFrames.failure(requestId, ErrorCode.INTERNAL_ERROR, "internal error"));
        }
    }
}
