package dev.pulse.room;

import dev.pulse.support.log.LogField;
import dev.pulse.delivery.ConnectionCloser;
import dev.pulse.delivery.ConnectionSender;
import dev.pulse.envelope.EventIdGenerator;
import dev.pulse.model.Connection;
import dev.pulse.model.ControlCommand;
import dev.pulse.model.EventContent;
import dev.pulse.model.Member;
import dev.pulse.model.Room;
import dev.pulse.protocol.Json;
import dev.pulse.protocol.ServerFrames;
import dev.pulse.protocol.Signals;
import dev.pulse.store.ConnectionStore;
import dev.pulse.store.MembershipStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the app's control commands (PROTOCOL §10.6) against the connections they name, inside the command's workspace
 * only: a connection id of another workspace matches nothing. Each command is idempotent (joining twice, removing
 * twice, closing a closed connection change nothing more), as EventBridge may deliver it twice.
 */
public final class ControlCommands {
    private static final Logger LOG = LoggerFactory.getLogger(ControlCommands.class);

    /** What a command did: the connections it acted on. */
    public record Outcome(String command, int connections) {
    }

    private final ConnectionStore connections;
    private final MembershipStore memberships;
    private final ConnectionSender sender;
    private final ConnectionCloser closer;
    private final MembershipListener listener;
    private final EventIdGenerator ids;
    private final Clock clock;

    public ControlCommands(ConnectionStore connections, MembershipStore memberships, ConnectionSender sender,
                           ConnectionCloser closer, MembershipListener listener, Clock clock) {
        this.connections = connections;
        this.memberships = memberships;
        this.sender = sender;
        this.closer = closer;
        this.listener = listener;
        this.ids = new EventIdGenerator(clock);
        this.clock = clock;
    }

    public Outcome run(ControlCommand command) {
        var targets = targets(command);
        for (Connection connection : targets) {
            switch (command.kind()) {
                case JOIN_ROOM -> join(connection, new Room(command.workspaceId(), command.room()), command);
                case REMOVE_FROM_ROOM -> remove(connection, new Room(command.workspaceId(), command.room()), command);
                case CLOSE_CONNECTIONS -> closer.close(connection.connectionId());
            }
        }
        LOG.atInfo().addKeyValue(LogField.OUTCOME, "ok").log("control command={} eventId={} correlationId={} workspaceId={} userId={} connectionId={} room={} connections={}",
                command.kind().wire(), command.eventId(), command.correlationId(), command.workspaceId(), command.userId(),
                command.connectionId(), command.room(), targets.size());
        return new Outcome(command.kind().wire(), targets.size());
    }

    private void join(Connection connection, Room room, ControlCommand command) {
        if (memberships.join(connection, room)) {
            listener.joined(connection, room);
            signal(connection, room, Signals.ROOM_JOINED, command);
        }
    }

    private void remove(Connection connection, Room room, ControlCommand command) {
        boolean wasMember = memberships.isMember(connection.connectionId(), room);
        memberships.leave(connection.connectionId(), room);
        if (wasMember) {
            listener.left(connection, room);
            signal(connection, room, Signals.ROOM_REMOVED, command);
        }
    }

    /** Tells the client, so it can update its room list (and, when removed, stop showing the room). */
    private void signal(Connection connection, Room room, String event, ControlCommand command) {
        var data = Json.object().put("room", room.name());
        if (command.reason() != null) {
            data.put("reason", command.reason());
        }
        var content = new EventContent(ids.next(), event, clock.instant(), command.correlationId(), data.toString());
        sender.send(connection.connectionId(), ServerFrames.event(content, room.name()));
    }

    /** The live connections the command names, in its workspace only. */
    private List<Connection> targets(ControlCommand command) {
        var found = new ArrayList<Connection>();
        if (command.connectionId() != null) {
            connections.find(command.connectionId())
                    .filter(c -> c.workspaceId().equals(command.workspaceId()))
                    .ifPresent(found::add);
            return found;
        }
        // A user's connections are the members of its user room: one Query, then each one's record.
        for (List<Member> page : memberships.members(Room.user(command.workspaceId(), command.userId()))) {
            for (Member member : page) {
                connections.find(member.connectionId()).filter(c -> c.workspaceId().equals(command.workspaceId()))
                        .ifPresent(found::add);
            }
        }
        return found;
    }
}
