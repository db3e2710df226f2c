package dev.pulse.action;

import dev.pulse.delivery.ConnectionCloser;
import dev.pulse.delivery.ConnectionSender;
import dev.pulse.model.Connection;
import dev.pulse.protocol.Actions;
import dev.pulse.protocol.ClientFrame;
import dev.pulse.protocol.ErrorCode;
import dev.pulse.protocol.FrameParser;
import dev.pulse.protocol.ProtocolException;
import dev.pulse.protocol.ServerFrames;
import dev.pulse.ratelimit.RateDecision;
import dev.pulse.ratelimit.RateLimiter;
import dev.pulse.support.LruMaps;
import dev.pulse.store.ConnectionStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import dev.pulse.support.log.LogContext;
import dev.pulse.support.metrics.Metric;
import dev.pulse.support.metrics.Metrics;
import dev.pulse.support.log.LogField;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.LoggerFactory;

/**
 * {@code $default}: checks a client frame's size, parses it, applies the connection's rate limit for the
 * action, runs the action and answers through {@code @connections}. Every failure becomes an error frame;
 * none closes the connection.
 */
public final class ActionRouter {
    private static final Logger LOG = LoggerFactory.getLogger(ActionRouter.class);
    private static final int REMEMBERED_EXPIRIES = 10_000;
    /**
     * Actions logged at info: what changes a connection's rooms or lifetime. The rest (ping, typing, presence, client
     * events) arrive at message rates and are logged at debug, so the logs' cost follows connections, not traffic.
     */
    private static final Set<String> LIFECYCLE_ACTIONS = Set.of(Actions.ROOM_JOIN, Actions.ROOM_LEAVE,
            Actions.AUTH_REFRESH, Actions.SYNC_REQUEST);

    private final Map<String, ActionHandler> actions;
    private final ConnectionStore connections;
    private final ConnectionSender sender;
    private final RateLimiter rateLimiter;
    private final int maxFrameBytes;
    private final ConnectionCloser closer;
    private final Clock clock;
    private final Consumer<Connection> activity;
    private final Set<String> recordActions;
    private final Metrics metrics;
    /** Token expiries read from records after the authorizer's had passed (bounded: one entry per connection seen). */
    private final Map<String, Instant> refreshedExpiries = LruMaps.bounded(REMEMBERED_EXPIRIES);

    private ActionRouter(Builder builder) {
        this.actions = Map.copyOf(builder.actions);
        this.connections = Objects.requireNonNull(builder.connections, "connections");
        this.sender = Objects.requireNonNull(builder.sender, "sender");
        this.closer = Objects.requireNonNull(builder.closer, "closer");
        this.rateLimiter = Objects.requireNonNull(builder.rateLimiter, "rateLimiter");
        this.maxFrameBytes = builder.maxFrameBytes;
        this.clock = Objects.requireNonNull(builder.clock, "clock");
        this.activity = builder.activity;
        this.recordActions = Set.copyOf(builder.recordActions);
        this.metrics = builder.metrics;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Names every collaborator: sender and closer are often one object, and the wiring reads better named. */
    public static final class Builder {
        private final Map<String, ActionHandler> actions = new HashMap<>();
        private ConnectionStore connections;
        private ConnectionSender sender;
        private ConnectionCloser closer;
        private RateLimiter rateLimiter;
        private int maxFrameBytes = 32 * 1024;
        private Clock clock = Clock.systemUTC();
        private Consumer<Connection> activity = connection -> { };
        private Set<String> recordActions = Set.of();
        private Metrics metrics = Metrics.NONE;

        private Builder() {
        }

        /** Adds the handler of one action; a name registered twice is a wiring bug. */
        public Builder action(String name, ActionHandler handler) {
            if (actions.putIfAbsent(name, Objects.requireNonNull(handler, "handler")) != null) {
                throw new IllegalStateException("action " + name + " registered twice");
            }
            return this;
        }

        public Builder actions(Map<String, ActionHandler> handlers) {
            handlers.forEach(this::action);
            return this;
        }

        /** Where the sender of each frame is looked up (its record must be live). */
        public Builder connections(ConnectionStore connections) {
            this.connections = connections;
            return this;
        }

        /** Where replies and error frames go. */
        public Builder sender(ConnectionSender sender) {
            this.sender = sender;
            return this;
        }

        /** Closes a connection whose token lapsed. */
        public Builder closer(ConnectionCloser closer) {
            this.closer = closer;
            return this;
        }

        public Builder rateLimiter(RateLimiter rateLimiter) {
            this.rateLimiter = rateLimiter;
            return this;
        }

        /** Largest client frame accepted; larger ones get {@code frame_too_large}. */
        public Builder maxFrameBytes(int maxFrameBytes) {
            if (maxFrameBytes < 1) {
                throw new IllegalArgumentException("maxFrameBytes must be positive");
            }
            this.maxFrameBytes = maxFrameBytes;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Told of every frame a live connection sends (presence renews its leases). */
        public Builder activity(Consumer<Connection> activity) {
            this.activity = Objects.requireNonNull(activity, "activity");
            return this;
        }

        /**
         * Actions that read the connection record even when the authorizer's context describes the connection: those
         * that report or copy what only the record knows (its presence status, a refreshed expiry), and are not sent at
         * message rates.
         */
        public Builder recordActions(Set<String> names) {
            this.recordActions = Set.copyOf(names);
            return this;
        }

        /** Where each frame's outcome is counted: Actions by action, ActionsRefused by action and reason. */
        public Builder metrics(Metrics metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        public ActionRouter build() {
            return new ActionRouter(this);
        }
    }

    public void route(String connectionId, String body) {
        route(connectionId, body, null);
    }

    /**
     * @param authorized the connection as API Gateway's REQUEST authorizer described it at {@code $connect}
     *                   ({@code requestContext.authorizer}), or null: then its record is read for every frame. With it,
     *                   no record is read, except once its token's expiry has passed (an {@code auth.refresh} may have
     *                   extended it; the record knows, and this container remembers what it read).
     */
    public void route(String connectionId, String body, Connection authorized) {
        String requestId = null;
        String action = null;
        try {
            int size = body == null ? 0 : body.getBytes(StandardCharsets.UTF_8).length;
            if (size > maxFrameBytes) {
                // Answered as a reply when the id can be read, so a client waiting for it does not time out.
                requestId = FrameParser.peekId(body);
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
            action = frame.action();
            LogContext.put(LogField.ACTION, action);
            limit(connectionId, frame.action());
            ActionHandler handler = actions.get(frame.action());
            if (handler == null) {
                throw new ActionException(ErrorCode.UNKNOWN_ACTION, "unknown action '" + frame.action() + "'");
            }
            Optional<Connection> connection = current(connectionId,
                    recordActions.contains(frame.action()) ? null : authorized);
            if (connection.isEmpty()) {
                // The record expired or the connection is closing: nothing can be done on its behalf.
                throw new ActionException(ErrorCode.FORBIDDEN, "connection is not registered");
            }
            if (connection.get().tokenExpired(clock.instant()) && !Actions.AUTH_REFRESH.equals(frame.action())) {
                // The token lapsed without a refresh: say so, then close (the client reconnects with a new token).
                sender.send(connectionId, ServerFrames.failure(requestId, ErrorCode.TOKEN_EXPIRED,
                        "the connection's token expired at " + ServerFrames.timestamp(connection.get().tokenExpiresAt())
                                + "; send auth.refresh before expiry, or reconnect with a new token"));
                closer.close(connectionId);
                return;
            }
            LogContext.identity(connection.get().userId(), connection.get().workspaceId());
            renew(connection.get());
            var data = handler.handle(connection.get(), frame);
            if (requestId != null) {
                sender.send(connectionId, ServerFrames.replyOk(requestId, data));
            }
            LOG.atLevel(LIFECYCLE_ACTIONS.contains(frame.action()) ? Level.INFO : Level.DEBUG)
                    .addKeyValue(LogField.OUTCOME, "ok").log("{} done", frame.action());
            if (Actions.PING.equals(frame.action())) {
                // Most $default invocations are pings: their count rides with other documents (README, "Cost model").
                metrics.countDeferred(Metric.ACTIONS, "Action", Actions.PING);
            } else {
                metrics.count(Metric.ACTIONS, "Action", frame.action());
            }
        } catch (ProtocolException e) {
            refused(e.code(), null, e.getMessage());
            metrics.record(Metric.ACTIONS_REFUSED, 1, Map.of("Action", "none", "Reason", e.code().wire()));
            sender.send(connectionId, ServerFrames.failure(e.requestId(), e.code(), e.getMessage()));
        } catch (ActionException e) {
            refused(e.code(), e.reason(), e.getMessage());
            metrics.record(Metric.ACTIONS_REFUSED, 1, Map.of("Action", knownAction(action), "Reason", e.code().wire()));
            sender.send(connectionId, ServerFrames.failure(requestId, e.code(), e.getMessage(), e.reason(), e.retryAfter()));
        } catch (RuntimeException e) {
            LOG.atError().addKeyValue(LogField.OUTCOME, "failed").addKeyValue("frameId", requestId).setCause(e)
                    .log("action failed");
            metrics.record(Metric.ACTIONS_REFUSED, 1, Map.of("Action", knownAction(action),
                    "Reason", ErrorCode.INTERNAL_ERROR.wire()));
            sender.send(connectionId, ServerFrames.failure(requestId, ErrorCode.INTERNAL_ERROR, "internal error"));
        }
    }

    /**
     * The frame's action as a metric dimension: one of the registered actions, else {@code unknown} (a client can send
     * any name; the dimension must stay bounded), or {@code none} before the frame was parsed.
     */
    private String knownAction(String action) {
        return action == null ? "none" : actions.containsKey(action) ? action : "unknown";
    }

    /** A refused frame is the client's doing: warn, with the error code the client is sent (and the detail). */
    private static void refused(ErrorCode code, String detail, String message) {
        LOG.atWarn().addKeyValue(LogField.OUTCOME, "refused").addKeyValue(LogField.REASON, code.wire())
                .addKeyValue("detail", detail).log("frame refused: {}", message);
    }

    /** The frame's sender: from the authorizer's context while its token is valid, else from the record. */
    private Optional<Connection> current(String connectionId, Connection authorized) {
        if (authorized == null) {
            return connections.find(connectionId);
        }
        var now = clock.instant();
        if (!authorized.tokenExpired(now)) {
            return Optional.of(authorized);
        }
        Instant refreshed = refreshedExpiries.get(connectionId);
        if (refreshed != null && now.isBefore(refreshed)) {
            return Optional.of(authorized.withTokenExpiresAt(refreshed));
        }
        var record = connections.find(connectionId);
        // A refresh only ever moves the expiry later, so what was read stays a safe lower bound for this container.
        record.map(Connection::tokenExpiresAt).filter(now::isBefore).ifPresent(at -> refreshedExpiries.put(connectionId, at));
        return record.map(found -> authorized.withTokenExpiresAt(found.tokenExpiresAt()));
    }

    private void renew(Connection connection) {
        try {
            activity.accept(connection);
        } catch (RuntimeException e) {
            // Renewal is housekeeping: the client's action goes ahead without it.
            LOG.atError().addKeyValue(LogField.OUTCOME, "activity_failed").setCause(e).log("activity hook failed");
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
