package dev.pulse.room;

import dev.pulse.action.ActionException;
import dev.pulse.model.Connection;
import dev.pulse.model.Room;
import dev.pulse.protocol.ClientFrame;
import dev.pulse.protocol.ErrorCode;
import dev.pulse.protocol.FrameParser;
import dev.pulse.protocol.ProtocolException;

/** The {@code data.room} argument every room action takes, read into the connection's workspace. */
public final class RoomArgument {
    private RoomArgument() {
    }

    /**
     * @throws ProtocolException {@code invalid_frame} when {@code data.room} is missing or not a string
     * @throws ActionException   {@code invalid_room} when it is not a valid room name
     */
    public static Room read(Connection connection, ClientFrame frame) throws ActionException, ProtocolException {
        String name = FrameParser.requiredString(frame, "room");
        if (!Room.isValidName(name)) {
            throw new ActionException(ErrorCode.INVALID_ROOM,
                    "room must be '<namespace>:<id>' (namespace a-z0-9_-, id A-Za-z0-9_.@:=+|-), got '" + abbreviate(name) + "'");
        }
        return new Room(connection.workspaceId(), name);
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }
}
