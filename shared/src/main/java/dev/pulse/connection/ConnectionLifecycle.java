package dev.pulse.connection;

import dev.pulse.auth.AuthenticationException;
import dev.pulse.auth.Authenticator;
import dev.pulse.auth.AuthorizerContext;
import dev.pulse.auth.ConnectCredentials;
import dev.pulse.model.Connection;
import dev.pulse.model.Identity;
import dev.pulse.model.Room;
import dev.pulse.room.MembershipListener;
import dev.pulse.store.ConnectionStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import dev.pulse.support.log.LogContext;
import dev.pulse.support.log.LogField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code $connect} and {@code $disconnect}: authenticate, record the connection, auto-join, clean up. */
public final class ConnectionLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLifecycle.class);

    private final Authenticator authenticator;
    private final ConnectionStore connections;
    private final Clock clock;
    private final Duration connectionTtl;
    private final List<String> allowedOrigins;
    private final MembershipListener listener;

    /**
     * @param authenticator  null where only {@link #disconnect} is used (the $disconnect function holds no keys)
     * @param allowedOrigins browser origins that may connect; empty allows any
     * @param listener       told of the automatic rooms after connect and of every room after disconnect (presence)
     */
    public ConnectionLifecycle(Authenticator authenticator, ConnectionStore connections, Clock clock, Duration connectionTtl,
                               List<String> allowedOrigins, MembershipListener listener) {
        this.listener = listener;
        this.authenticator = authenticator;
        this.connections = connections;
        this.clock = clock;
        this.connectionTtl = connectionTtl;
        this.allowedOrigins = List.copyOf(allowedOrigins);
    }

    public ConnectOutcome connect(String connectionId, Map<String, String> queryParameters, Map<String, String> headers) {
        var checked = authenticate(connectionId, queryParameters, headers);
        return checked.isAccepted() ? open(connectionId, checked.identity(), checked.subprotocol()) : checked;
    }

    /**
     * Checks a {@code $connect} request without recording anything: the origin, then the token. What the REQUEST
     * authorizer runs (before API Gateway invokes {@code $connect}); {@link #connect} runs it too when there is none.
     */
    public ConnectOutcome authenticate(String connectionId, Map<String, String> queryParameters, Map<String, String> headers) {
        if (authenticator == null) {
            throw new IllegalStateException("no way to authenticate: set PULSE_JWT_SECRET, PULSE_JWT_JWKS_URL or "
                    + "PULSE_AUTH_INTROSPECTION_URL");
        }
        String origin = header(headers, "Origin");
        if (!allowedOrigins.isEmpty() && origin != null && !allowedOrigins.contains(origin)) {
            // A page of another site must not ride on a user's token (cross-site WebSocket hijacking).
            return refused(ConnectOutcome.refused(403, "origin_not_allowed"), "origin", origin);
        }
        var credentials = ConnectCredentials.locate(queryParameters, headers);
        if (credentials.isEmpty()) {
            return refused(ConnectOutcome.refused(401, "token_missing"), null, null);
        }
        try {
            return ConnectOutcome.accepted(authenticator.authenticate(credentials.get().token()),
                    credentials.get().subprotocol());
        } catch (AuthenticationException e) {
            return refused(ConnectOutcome.refused(e.status(), e.reason()), null, null);
        }
    }

    /**
     * {@code $connect} behind the REQUEST authorizer: the identity it accepted ({@code requestContext.authorizer}) is
     * recorded as it is, without checking the token a second time.
     */
    public ConnectOutcome connectAuthorized(String connectionId, Map<String, Object> authorizer,
                                            Map<String, String> queryParameters, Map<String, String> headers) {
        var identity = AuthorizerContext.identity(authorizer);
        if (identity.isEmpty()) {
            // Grants too many for the context (or no context at all): the token is read here, for its grants.
            return connect(connectionId, queryParameters, headers);
        }
        // The authorizer found the token, so the request has one; only the subprotocol to answer is wanted from it.
        String subprotocol = ConnectCredentials.locate(queryParameters, headers).map(ConnectCredentials::subprotocol)
                .orElse(null);
        return open(connectionId, identity.get(), subprotocol);
    }

    private ConnectOutcome open(String connectionId, Identity identity, String subprotocol) {
        LogContext.identity(identity.userId(), identity.workspaceId());
        Instant now = clock.instant();
        var connection = Connection.builder()
                .connectionId(connectionId)
                .userId(identity.userId())
                .workspaceId(identity.workspaceId())
                .connectedAt(now)
                .expiresAt(now.plus(connectionTtl))
                .tokenExpiresAt(identity.expiresAt())
                .presenceStatus(Connection.INITIAL_PRESENCE_STATUS)
                .presenceRenewedAt(now)
                .grants(identity.grants())
                .build();
        var rooms = autoJoinRooms(identity);
        connections.open(connection, rooms);
        for (Room room : rooms) {
            notify(() -> listener.joined(connection, room));
        }
        LOG.atInfo().addKeyValue(LogField.OUTCOME, "connected").addKeyValue("rooms", rooms.size()).log("connected");
        return ConnectOutcome.accepted(identity, subprotocol);
    }

    /** A refusal is the client's (or its page's) doing, not a fault: warn, with the reason the client is given. */
    private static ConnectOutcome refused(ConnectOutcome outcome, String key, String value) {
        var line = LOG.atWarn().addKeyValue(LogField.OUTCOME, "refused").addKeyValue(LogField.REASON, outcome.reason())
                .addKeyValue("status", outcome.status());
        if (key != null) {
            line = line.addKeyValue(key, value);
        }
        line.log("connect refused");
        return outcome;
    }

    private static String header(Map<String, String> headers, String name) {
        if (headers == null) {
            return null;
        }
        for (var entry : headers.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(name)) {
                return entry.getValue();
            }
        }
        return null;
    }

    /** Every connection lands in its user room (all devices of one user) and its workspace room. */
    public static List<Room> autoJoinRooms(Identity identity) {
        return List.of(Room.user(identity.workspaceId(), identity.userId()), Room.workspace(identity.workspaceId()));
    }

    public List<Room> disconnect(String connectionId) {
        var closed = connections.closeConnection(connectionId);
        if (closed.connection() != null) {
            LogContext.identity(closed.connection().userId(), closed.connection().workspaceId());
            for (Room room : closed.rooms()) {
                notify(() -> listener.left(closed.connection(), room));
            }
        }
        LOG.atInfo().addKeyValue(LogField.OUTCOME, "disconnected").addKeyValue("rooms", closed.rooms().size())
                .log("disconnected");
        return closed.rooms();
    }

    /** Listeners (presence) are best effort here: the connection is open or closed whatever they do. */
    private static void notify(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.atError().addKeyValue(LogField.OUTCOME, "listener_failed").setCause(e).log("membership listener failed");
        }
    }
}
