package dev.pulse.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * A command an app's backend sends Pulse through EventBridge, with the publishing envelope's rules
 * (PROTOCOL §10.6): act on the connections of one user, or on one connection, inside one workspace.
 *
 * @param kind          what to do
 * @param eventId       the command's id (idempotency and logs)
 * @param workspaceId   the tenant; nothing outside it is touched
 * @param userId        every connection of this user, or null when {@code connectionId} names one
 * @param connectionId  one connection, or null when {@code userId} names them
 * @param room          the room of a join or removal; null for {@link Kind#CLOSE_CONNECTIONS}
 * @param reason        passed to the clients (the {@code room.removed} signal), may be null
 * @param correlationId ties it to the request that caused it
 */
public record ControlCommand(Kind kind, String eventId, String workspaceId, String userId, String connectionId,
                             String room, String reason, String correlationId) {
    /** The commands, by their wire name ({@code detail.control}). */
    public enum Kind {
        /** Adds the connections to a room (Socket.IO's {@code socketsJoin}); the app decides, no access policy applies. */
        JOIN_ROOM("room.join"),
        /** Removes the connections from a room at once (revocation); they get a {@code room.removed} signal. */
        REMOVE_FROM_ROOM("room.remove"),
        /** Closes the connections (their clients reconnect, with a token the app may no longer issue). */
        CLOSE_CONNECTIONS("connections.close");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        public static Kind parse(String text) {
            return Arrays.stream(values()).filter(k -> k.wire.equals(text)).findFirst().orElseThrow(() ->
                    new IllegalArgumentException("control must be one of room.join, room.remove, connections.close; got '"
                            + text + "'"));
        }
    }

    public ControlCommand {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(workspaceId, "workspaceId");
        if ((userId == null) == (connectionId == null)) {
            throw new IllegalArgumentException("a control command names exactly one of userId or connectionId");
        }
        if ((kind == Kind.CLOSE_CONNECTIONS) != (room == null)) {
            throw new IllegalArgumentException(kind == Kind.CLOSE_CONNECTIONS ? "connections.close takes no room"
                    : kind.wire() + " needs a room");
        }
    }
}
