package dev.pulse.connection;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.action.ActionHandler;
import dev.pulse.model.Connection;
import dev.pulse.model.Room;
import dev.pulse.protocol.Actions;
import dev.pulse.protocol.ClientFrame;
import dev.pulse.protocol.Json;
import dev.pulse.protocol.ServerFrames;
import dev.pulse.store.MembershipStore;
import java.time.Clock;
import java.util.Map;

/** {@code ping} (keeps the socket inside API Gateway's idle timeout) and {@code connection.info}. */
public final class ConnectionActions {

    private final MembershipStore memberships;
    private final Clock clock;

    public ConnectionActions(MembershipStore memberships, Clock clock) {
        this.memberships = memberships;
        this.clock = clock;
    }

    public void registerInto(Map<String, ActionHandler> actions) {
        actions.put(Actions.PING, this::ping);
        actions.put(Actions.CONNECTION_INFO, this::info);
    }

    JsonNode ping(Connection connection, ClientFrame frame) {
        return Json.object().put("time", ServerFrames.timestamp(clock.instant()));
    }

    JsonNode info(Connection connection, ClientFrame frame) {
        var reply = Json.object()
                .put("connectionId", connection.connectionId())
                .put("userId", connection.userId())
                .put("workspaceId", connection.workspaceId())
                .put("connectedAt", ServerFrames.timestamp(connection.connectedAt()))
                .put("expiresAt", ServerFrames.timestamp(connection.expiresAt()));
        var rooms = reply.putArray("rooms");
        memberships.rooms(connection.connectionId()).stream().map(Room::name).sorted().forEach(rooms::add);
        return reply;
    }
}
