package dev.pulse.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.action.ActionException;
import dev.pulse.action.ActionHandler;
import dev.pulse.model.Connection;
import dev.pulse.model.Identity;
import dev.pulse.protocol.Actions;
import dev.pulse.protocol.ClientFrame;
import dev.pulse.protocol.ErrorCode;
import dev.pulse.protocol.FrameParser;
import dev.pulse.protocol.Json;
import dev.pulse.protocol.ProtocolException;
import dev.pulse.protocol.ServerFrames;
import dev.pulse.store.ConnectionStore;
import java.util.Map;
import java.util.Set;

/**
 * {@code auth.refresh}: a long-lived socket outlives short tokens, so the client hands over a new token for
 * the same user and workspace before (or just after) the old one lapses.
 */
public final class AuthActions {

    private final Authenticator authenticator;
    private final ConnectionStore connections;
    private final boolean grantsFixed;

    public AuthActions(Authenticator authenticator, ConnectionStore connections) {
        this(authenticator, connections, false);
    }

    /**
     * @param grantsFixed true behind the REQUEST authorizer: every route reads the grants from the authorizer's context,
     *                    which API Gateway fixes at {@code $connect}, so a refreshed token must keep them
     */
    public AuthActions(Authenticator authenticator, ConnectionStore connections, boolean grantsFixed) {
        this.authenticator = authenticator;
        this.connections = connections;
        this.grantsFixed = grantsFixed;
    }

    public void registerInto(Map<String, ActionHandler> actions) {
        actions.put(Actions.AUTH_REFRESH, this::refresh);
    }

    JsonNode refresh(Connection connection, ClientFrame frame) throws ActionException, ProtocolException {
        String token = FrameParser.requiredString(frame, "token");
        Identity identity;
        try {
            identity = authenticator.authenticate(token);
        } catch (AuthenticationException e) {
            throw new ActionException(ErrorCode.TOKEN_INVALID, e.getMessage() + " (" + e.reason() + ")");
        }
        if (!identity.userId().equals(connection.userId()) || !identity.workspaceId().equals(connection.workspaceId())) {
            throw new ActionException(ErrorCode.FORBIDDEN, "a refreshed token must name the same user and workspace");
        }
        if (grantsFixed && !Set.copyOf(identity.grants()).equals(Set.copyOf(connection.grants()))) {
            throw ActionException.withReason(ErrorCode.FORBIDDEN, "grants_changed", "a refreshed token must grant the "
                    + "same rooms here (API Gateway's authorizer fixed them at connect); reconnect with the new token");
        }
        // The new token's grants replace the old one's: a refresh can narrow what the connection may join next.
        if (!connections.refreshToken(connection.connectionId(), identity.expiresAt(), identity.grants())) {
            throw new ActionException(ErrorCode.FORBIDDEN, "connection is not registered");
        }
        var reply = Json.object();
        return identity.expiresAt() == null ? reply.putNull("expiresAt") : reply.put("expiresAt", ServerFrames.timestamp(identity.expiresAt()));
    }
}
