package dev.pulse.room;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.action.ActionException;
import dev.pulse.action.ActionHandler;
import dev.pulse.model.Connection;
import dev.pulse.model.Identity;
import dev.pulse.model.Room;
import dev.pulse.protocol.Actions;
import dev.pulse.protocol.ClientFrame;
import dev.pulse.protocol.ErrorCode;
import dev.pulse.protocol.Json;
import dev.pulse.protocol.ProtocolException;
import dev.pulse.store.MembershipStore;
import java.util.Map;

/** {@code room.join} and {@code room.leave}, authorised by a replaceable {@link RoomPolicy}. */
public final class RoomActions {

    private final MembershipStore memberships;
    private final RoomPolicy policy;
    private final MembershipListener listener;

    /** @param listener told after each join and leave (presence) */
    public RoomActions(MembershipStore memberships, RoomPolicy policy, MembershipListener listener) {
        this.memberships = memberships;
        this.policy = policy;
        this.listener = listener;
    }

    public void registerInto(Map<String, ActionHandler> actions) {
        actions.put(Actions.ROOM_JOIN, this::join);
        actions.put(Actions.ROOM_LEAVE, this::leave);
    }

    JsonNode join(Connection connection, ClientFrame frame) throws ActionException, ProtocolException {
        Room room = allowed(connection, frame);
        if (!memberships.join(connection, room)) {
            throw new ActionException(ErrorCode.FORBIDDEN, "connection is not registered");
        }
        listener.joined(connection, room);
        return Json.object().put("room", room.name());
    }

    /** The rules of room.join apply (PROTOCOL §4.3): a room one may not join cannot be named to leave either. */
    JsonNode leave(Connection connection, ClientFrame frame) throws ActionException, ProtocolException {
        Room room = allowed(connection, frame);
        memberships.leave(connection.connectionId(), room);
        listener.left(connection, room);
        return Json.object().put("room", room.name());
    }

    private Room allowed(Connection connection, ClientFrame frame) throws ActionException, ProtocolException {
        Room room = RoomArgument.read(connection, frame);
        var denial = policy.denial(new Identity(connection.userId(), connection.workspaceId(), null), room);
        if (denial.isPresent()) {
            throw new ActionException(ErrorCode.FORBIDDEN, denial.get());
        }
        return room;
    }
}
