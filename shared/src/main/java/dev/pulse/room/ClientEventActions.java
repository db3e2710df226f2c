package dev.pulse.room;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.action.ActionException;
import dev.pulse.action.ActionHandler;
import dev.pulse.model.Connection;
import dev.pulse.protocol.Actions;
import dev.pulse.protocol.ClientFrame;
import dev.pulse.protocol.ErrorCode;
import dev.pulse.protocol.FrameParser;
import dev.pulse.protocol.Json;
import dev.pulse.protocol.ProtocolException;
import dev.pulse.store.MembershipStore;
import java.util.List;
import java.util.Map;

/**
 * {@code room.publish}: a client broadcasts an application event (EVA's {@code data:update}, Pusher's
 * client events) to the other members of a room it is in. Only event names with an allowed prefix pass,
 * so clients can never forge server events such as {@code approval.created}.
 */
public final class ClientEventActions {

    private final MembershipStore memberships;
    private final RoomBroadcast broadcast;
    private final List<String> allowedPrefixes;
    private final MembershipListener listener;
    private final RoomAccess access;

    /** @param listener told of the connections found gone while delivering (presence) */
    public ClientEventActions(MembershipStore memberships, RoomAccess access, RoomBroadcast broadcast,
                              List<String> allowedPrefixes, MembershipListener listener) {
        this.memberships = memberships;
        this.access = access;
        this.broadcast = broadcast;
        this.allowedPrefixes = List.copyOf(allowedPrefixes);
        this.listener = listener;
    }

    public void registerInto(Map<String, ActionHandler> actions) {
        actions.put(Actions.ROOM_PUBLISH, this::publish);
    }

    JsonNode publish(Connection connection, ClientFrame frame) throws ActionException, ProtocolException {
        var room = RoomArgument.read(connection, frame);
        String name = room.name();
        String event = FrameParser.requiredString(frame, "event");
        if (event.isEmpty() || event.length() > 128 || allowedPrefixes.stream().noneMatch(event::startsWith)) {
            throw new ActionException(ErrorCode.FORBIDDEN,
                    "clients may publish only events named " + String.join(" or ", allowedPrefixes.stream().map(p -> p + "…").toList()));
        }
        if (!memberships.isMember(connection.connectionId(), room)) {
            throw new ActionException(ErrorCode.FORBIDDEN, "join " + name + " before publishing to it");
        }
        access.asMember(connection.identity(), room, RoomOperation.PUBLISH).orThrow();
        // The sender's user id comes from the server, so receivers can trust it.
        var data = Json.object().put("userId", connection.userId());
        data.set("data", frame.data().has("data") ? frame.data().get("data") : Json.object().nullNode());
        var report = broadcast.toOthers(connection, room, event, frame.id(), data);
        report.pruned().forEach(listener::closed);
        var reply = Json.object().put("room", name).put("eventId", report.eventId());
        if (!report.positions().isEmpty()) {
            // The sender's own position in the room: without it, its next event would look like a gap.
            reply.put("seq", report.positions().get(0).seq()).put("epoch", report.positions().get(0).epoch());
        }
        return reply;
    }
}
