package dev.pulse.presence;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.action.ActionException;
import dev.pulse.action.ActionHandler;
import dev.pulse.model.Connection;
import dev.pulse.protocol.Actions;
import dev.pulse.protocol.ClientFrame;
import dev.pulse.protocol.ErrorCode;
import dev.pulse.protocol.Json;
import dev.pulse.protocol.ProtocolException;
import dev.pulse.protocol.Signals;
import dev.pulse.room.MembershipListener;
import dev.pulse.room.RoomAccess;
import dev.pulse.room.RoomArgument;
import dev.pulse.room.RoomBroadcast;
import dev.pulse.room.RoomOperation;
import dev.pulse.store.MembershipStore;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * {@code typing.start} / {@code typing.stop} in a chat or channel room the connection is in: the other
 * members get a {@code typing.start} / {@code typing.stop} event. A start carries {@code expiresInMs}:
 * clients drop the indicator after it unless another start refreshes it, so a lost stop never leaves
 * someone "typing" forever and the server keeps no timers.
 */
public final class TypingActions {
    /** How long a typing indicator lives without a new start (clients send start again every few seconds). */
    public static final Duration TYPING_TIMEOUT = Duration.ofSeconds(6);
    private static final Set<String> TYPING_NAMESPACES = Set.of("chat", "channel");

    private final MembershipStore memberships;
    private final RoomBroadcast broadcast;
    private final MembershipListener listener;
    private final RoomAccess access;

    /** @param listener told of the connections found gone while signalling (presence) */
    public TypingActions(MembershipStore memberships, RoomAccess access, RoomBroadcast broadcast, MembershipListener listener) {
        this.memberships = memberships;
        this.access = access;
        this.broadcast = broadcast;
        this.listener = listener;
    }

    public void registerInto(Map<String, ActionHandler> actions) {
        actions.put(Actions.TYPING_START, (connection, frame) -> typing(connection, frame, true));
        actions.put(Actions.TYPING_STOP, (connection, frame) -> typing(connection, frame, false));
    }

    private JsonNode typing(Connection connection, ClientFrame frame, boolean start) throws ActionException, ProtocolException {
        var room = RoomArgument.read(connection, frame);
        String name = room.name();
        if (!TYPING_NAMESPACES.contains(room.namespace())) {
            throw new ActionException(ErrorCode.FORBIDDEN, "typing indicators exist in chat: and channel: rooms only");
        }
        if (!memberships.isMember(connection.connectionId(), room)) {
            throw new ActionException(ErrorCode.FORBIDDEN, "join " + name + " before typing in it");
        }
        access.asMember(connection.identity(), room, RoomOperation.TYPING).orThrow();
        var data = Json.object().put("userId", connection.userId()).put("room", name);
        if (start) {
            data.put("expiresInMs", TYPING_TIMEOUT.toMillis());
        }
        broadcast.signalToOthers(connection, room, start ? Signals.TYPING_START : Signals.TYPING_STOP, frame.id(), data)
                .pruned().forEach(listener::closed);
        return Json.object().put("room", name);
    }
}
