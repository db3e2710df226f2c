package dev.pulse.room;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.action.ActionException;
import dev.pulse.action.ActionHandler;
import dev.pulse.model.Connection;
import dev.pulse.model.Room;
import dev.pulse.protocol.Actions;
import dev.pulse.protocol.ClientFrame;
import dev.pulse.protocol.ErrorCode;
import dev.pulse.protocol.Json;
import dev.pulse.protocol.ProtocolException;
import dev.pulse.protocol.ServerFrames;
import dev.pulse.store.MembershipStore;
import java.util.Map;

/** {@code room.join} and {@code room.leave}, authorised by a replaceable {@link RoomPolicy}. */
public final class RoomActions {

    private final MembershipStore memberships;
    private final RoomAccess access;
    private final MembershipListener listener;

    /** @param listener told after each join and leave (presence) */
    public RoomActions(MembershipStore memberships, RoomAccess access, MembershipListener listener) {
        this.memberships = memberships;
        this.access = access;
        this.listener = listener;
    }

    public void registerInto(Map<String, ActionHandler> actions) {
        actions.put(Actions.ROOM_JOIN, this::join);
        actions.put(Actions.ROOM_LEAVE, this::leave);
    }

    /**
     * The room's access policy decides ({@link RoomAccess#join}); {@code data.token} is the room token of a
     * {@code room-token} namespace. A membership admitted by a room token lapses with it (the reply's
     * {@code expiresAt}); joining again with a new token renews it.
     */
    JsonNode join(Connection connection, ClientFrame frame) throws ActionException, ProtocolException {
        if (frame.data().has("rooms")) {
            return joinMany(connection, frame);
        }
        Room room = RoomArgument.read(connection, frame);
        var decision = access.join(connection.identity(), room, optionalString(frame, "token")).orThrow();
        if (!memberships.join(connection, room, decision.lapsesAt())) {
            throw new ActionException(ErrorCode.FORBIDDEN, "connection is not registered");
        }
        listener.joined(connection, room);
        var reply = Json.object().put("room", room.name());
        if (decision.lapsesAt() != null) {
            reply.put("expiresAt", ServerFrames.timestamp(decision.lapsesAt()));
        }
        return reply;
    }

    private static String optionalString(ClientFrame frame, String field) throws ProtocolException {
        var value = frame.data().get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new ProtocolException(ErrorCode.INVALID_FRAME, "data." + field + " must be a string", frame.id());
        }
        return value.textValue();
    }

    /**
     * The fixed rules of room.join apply (PROTOCOL §4.3): another user's or workspace's room cannot be named. A room of
     * a protected namespace can always be left.
     */
    JsonNode leave(Connection connection, ClientFrame frame) throws ActionException, ProtocolException {
        Room room = RoomArgument.read(connection, frame);
        access.fixedRules(connection.identity(), room).orThrow();
        memberships.leave(connection.connectionId(), room);
        listener.left(connection, room);
        return Json.object().put("room", room.name());
    }

    /** The most rooms one room.join may name: a reconnecting client rejoins its rooms in few frames. */
    public static final int MAX_ROOMS_PER_JOIN = 50;

    /**
     * {@code room.join} with {@code data.rooms}: every room joined as a single join would be (policy, room tokens from
     * {@code data.tokens}), in one frame that counts once against the join limit, so a reconnecting client restores
     * all its rooms at once. One room's refusal does not stop the others; the reply says per room.
     */
    private JsonNode joinMany(Connection connection, ClientFrame frame) throws ActionException, ProtocolException {
        JsonNode names = frame.data().get("rooms");
        if (names == null || !names.isArray() || names.isEmpty() || names.size() > MAX_ROOMS_PER_JOIN) {
            throw new ProtocolException(ErrorCode.INVALID_FRAME,
                    "data.rooms must be an array of 1 to " + MAX_ROOMS_PER_JOIN + " room names", frame.id());
        }
        JsonNode tokens = frame.data().get("tokens");
        if (tokens != null && !tokens.isObject()) {
            throw new ProtocolException(ErrorCode.INVALID_FRAME, "data.tokens must be an object of room -> room token", frame.id());
        }
        var results = Json.object();
        var rooms = results.putObject("rooms");
        for (JsonNode name : names) {
            if (!name.isTextual()) {
                throw new ProtocolException(ErrorCode.INVALID_FRAME, "data.rooms must hold room names (strings)", frame.id());
            }
            var result = rooms.putObject(name.textValue());
            try {
                if (!Room.isValidName(name.textValue())) {
                    throw new ActionException(ErrorCode.INVALID_ROOM, "not a valid room name");
                }
                Room room = new Room(connection.workspaceId(), name.textValue());
                JsonNode token = tokens == null ? null : tokens.get(room.name());
                var decision = access.join(connection.identity(), room, token != null && token.isTextual() ? token.textValue() : null)
                        .orThrow();
                if (!memberships.join(connection, room, decision.lapsesAt())) {
                    throw new ActionException(ErrorCode.FORBIDDEN, "connection is not registered");
                }
                listener.joined(connection, room);
                result.put("ok", true);
                if (decision.lapsesAt() != null) {
                    result.put("expiresAt", ServerFrames.timestamp(decision.lapsesAt()));
                }
            } catch (ActionException e) {
                result.put("ok", false);
                var error = result.putObject("error").put("code", e.code().wire()).put("message", e.getMessage());
                if (e.reason() != null) {
                    error.put("reason", e.reason());
                }
            }
        }
        return results;
    }
}
