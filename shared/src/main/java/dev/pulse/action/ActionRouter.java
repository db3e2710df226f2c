package dev.pulse.action;

import dev.pulse.model.Connection;
import dev.pulse.store.ConnectionStore;
import dev.pulse.auth.AuthActions;
import dev.pulse.delivery.ConnectionCloser;
import dev.pulse.delivery.ConnectionSender;
import dev.pulse.protocol.ClientFrame;
import dev.pulse.protocol.ErrorCode;
import dev.pulse.protocol.FrameParser;
import dev.pulse.protocol.ProtocolException;
import dev.pulse.protocol.ServerFrames;
import dev.pulse.ratelimit.RateDecision;
import dev.pulse.ratelimit.RateLimiter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code $default}: checks a client frame's size, parses it, applies the connection's rate limit for the
 * action, runs the action and answers through {@code @connections}. Every failure becomes an error frame;
 * none closes the connection.
 */
public final class ActionRouter {
    private static final Logger LOG = LoggerFactory.getLogger(ActionRouter.class);

    private final Map<String, ActionHandler> actions;
    private final ConnectionStore connections;
    private final ConnectionSender sender;
    private final RateLimiter rateLimiter;
    private final int maxFrameBytes;
    private final ConnectionCloser closer;
    private final Clock clock;
    private final Consumer<Connection> activity;

    public ActionRouter(Map<String, ActionHandler> actions, ConnectionStore connections, ConnectionSender sender,
                        RateLimiter rateLimiter, int maxFrameBytes, ConnectionCloser closer, Clock clock) {
        this(actions, connections, sender, rateLimiter, maxFrameBytes, closer, clock, connection -> { });
    }

    /** @param activity told of every frame a live connection sends (presence renews its leases) */
    public ActionRouter(Map<String, ActionHandler> actions, ConnectionStore connections, ConnectionSender sender,
                        RateLimiter rateLimiter, int maxFrameBytes, ConnectionCloser closer, Clock clock,
                        Consumer<Connection> activity) {
        this.activity = activity;
        this.actions = Map.copyOf(actions);
        this.connections = connections;
        this.sender = sender;
        this.rateLimiter = rateLimiter;
        this.maxFrameBytes = maxFrameBytes;
        this.closer = closer;
        this.clock = clock;
    }

    public void route(String connectionId, String body) {
        String requestId = null;
        try {
            int size = body == null ? 0 : body.getBytes(StandardCharsets.UTF_8).length;
            if (size > maxFrameBytes) {
                // Counted like any frame, so oversize floods are limited too.
                limit(connectionId, null);
                throw new ActionException(ErrorCode.FRAME_TOO_LARGE,
                        "frame is " + size + " bytes; client frames may be at most " + maxFrameBytes + " bytes");
            }
            ClientFrame frame;
            try {
                frame = FrameParser.parse(body);
            } catch (ProtocolException e) {
                limit(connectionId, null);
                throw e;
            }
            requestId = frame.id();
            limit(connectionId, frame.action());
            ActionHandler handler = actions.get(frame.action());
            if (handler == null) {
                throw new ActionException(ErrorCode.UNKNOWN_ACTION, "unknown action '" + frame.action() + "'");
            }
            Optional<Connection> connection = connections.find(connectionId);
            if (connection.isEmpty()) {
                // The record expired or the connection is closing: nothing can be done on its behalf.
                throw new ActionException(ErrorCode.FORBIDDEN, "connection is not registered");
            }
            if (connection.get().tokenExpired(clock.instant()) && !AuthActions.REFRESH.equals(frame.action())) {
                // The token lapsed without a refresh: say so, then close (the client reconnects with a new token).
                sender.send(connectionId, ServerFrames.failure(requestId, ErrorCode.TOKEN_EXPIRED,
                        "the connection's token expired at " + ServerFrames.timestamp(connection.get().tokenExpiresAt())
                                + "; send auth.refresh before expiry, or reconnect with a new token"));
                closer.close(connectionId);
                return;
            }
            renew(connection.get());
            var data = handler.handle(connection.get(), frame);
            if (requestId != null) {
                sender.send(connectionId, ServerFrames.replyOk(requestId, data));
            }
        } catch (ProtocolException e) {
            sender.send(connectionId, ServerFrames.failure(e.requestId(), e.code(), e.getMessage()));
        } catch (ActionException e) {
            sender.send(connectionId, e.retryAfter() == null
                    ? ServerFrames.failure(requestId, e.code(), e.getMessage())
                    : ServerFrames.failure(requestId, e.code(), e.getMessage(), e.retryAfter()));
        } catch (RuntimeException e) {
            LOG.error("action failed connectionId={} requestId={}", connectionId, requestId, e);
            sender.send(connectionId, ServerFrames.failure(requestId, ErrorCode.INTERNAL_ERROR, "internal error"));
        }
    }

    private void renew(Connection connection) {
        try {
            activity.accept(connection);
        } catch (RuntimeException e) {
            // Renewal is housekeeping: the client's action goes ahead without it.
            LOG.warn("activity hook failed connectionId={}", connection.connectionId(), e);
        }
    }

    /** Over the limit: nothing else happens, the client is told when to retry. */
    private void limit(String connectionId, String action) throws ActionException {
        RateDecision decision = rateLimiter.tryAcquire(connectionId, action);
        if (!decision.allowed()) {
            throw new ActionException(ErrorCode.RATE_LIMITED,
                    "rate limit " + decision.limit() + " reached for " + (action == null ? "this connection" : "'" + action + "'"),
                    decision.retryAfter());
        }
    }
}
