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

/**
 * {@code auth.refresh}: a long-lived socket outlives short tokens, so the client hands over a new token for
 * the same user and workspace before (or just after) the old one lapses.
 */
public final class AuthActions {

    private final Authenticator authenticator;
    private final ConnectionStore connections;

    public AuthActions(Authenticator authenticator, ConnectionStore connections) {
        this.authenticator = authenticator;
        this.connections = connections;
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
        // The new token's grants replace the old one's: a refresh can narrow what the connection may join next.
        if (!connections.refreshToken(connection.connectionId(), identity.expiresAt(), identity.grants())) {
            throw new ActionException(ErrorCode.FORBIDDEN, "connection is not registered");
        }
        var reply = Json.object();
        return identity.expiresAt() == null ? reply.putNull("expiresAt") : reply.put("expiresAt", ServerFrames.timestamp(identity.expiresAt()));
    }
}
