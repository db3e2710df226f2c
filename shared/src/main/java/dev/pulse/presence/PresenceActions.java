package dev.pulse.presence;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.action.ActionException;
import dev.pulse.action.ActionHandler;
import dev.pulse.model.Connection;
import dev.pulse.model.PresenceStatus;
import dev.pulse.protocol.Actions;
import dev.pulse.protocol.ClientFrame;
import dev.pulse.protocol.ErrorCode;
import dev.pulse.protocol.FrameParser;
import dev.pulse.protocol.Json;
import dev.pulse.protocol.ProtocolException;
import dev.pulse.room.RoomAccess;
import dev.pulse.room.RoomArgument;
import dev.pulse.room.RoomOperation;
import dev.pulse.store.MembershipStore;
import java.util.Map;

/** {@code presence.update} (this connection's status) and {@code presence.list} (a room's present users). */
public final class PresenceActions {

    private final PresenceTracker tracker;
    private final MembershipStore memberships;
    private final RoomAccess access;

    public PresenceActions(PresenceTracker tracker, MembershipStore memberships, RoomAccess access) {
        this.tracker = tracker;
        this.memberships = memberships;
        this.access = access;
    }

    public void registerInto(Map<String, ActionHandler> actions) {
        actions.put(Actions.PRESENCE_UPDATE, this::update);
        actions.put(Actions.PRESENCE_LIST, this::list);
    }

    private JsonNode update(Connection connection, ClientFrame frame) throws ActionException, ProtocolException {
        String wireName = FrameParser.requiredString(frame, "status");
        var status = PresenceStatus.parse(wireName).orElseThrow(() -> new ActionException(ErrorCode.INVALID_FRAME,
                "data.status must be one of online, away, busy"));
        if (!tracker.setStatus(connection, status)) {
            throw new ActionException(ErrorCode.FORBIDDEN, "connection is not registered");
        }
        return Json.object().put("status", status.wireName());
    }

    private JsonNode list(Connection connection, ClientFrame frame) throws ActionException, ProtocolException {
        var room = RoomArgument.read(connection, frame);
        String name = room.name();
        if (!tracker.tracks(room)) {
            throw new ActionException(ErrorCode.FORBIDDEN, "presence is kept in " + String.join(", ",
                    tracker.namespaces().stream().sorted().map(ns -> ns + ":").toList()) + " rooms only");
        }
        if (!memberships.isMember(connection.connectionId(), room)) {
            throw new ActionException(ErrorCode.FORBIDDEN, "join " + name + " before listing its presence");
        }
        access.asMember(connection.identity(), room, RoomOperation.PRESENCE).orThrow();
        var snapshot = tracker.list(room);
        var users = Json.MAPPER.createArrayNode();
        snapshot.users().forEach(user -> users.addObject()
                .put("userId", user.userId())
                .put("status", user.status().wireName())
                .put("devices", user.devices()));
        return Json.object()
                .put("room", name)
                .put("onlineCount", snapshot.users().size())
                .<com.fasterxml.jackson.databind.node.ObjectNode>set("users", users)
                .put("truncated", snapshot.truncated())
                // false in rooms too big for signals: poll presence.list there instead of waiting for events
                .put("signals", tracker.signalsIn(room));
    }
}
