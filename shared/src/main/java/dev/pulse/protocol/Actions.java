package dev.pulse.protocol;

import java.util.List;

/**
 * The names of the client actions of wire protocol v1 ({@code action} in a client frame; PROTOCOL.md §4), in one
 * place: the capabilities register their handlers under them, the rate limits are keyed by them.
 */
public final class Actions {
    public static final String PING = "ping";
    public static final String CONNECTION_INFO = "connection.info";
    public static final String ROOM_JOIN = "room.join";
    public static final String ROOM_LEAVE = "room.leave";
    public static final String ROOM_PUBLISH = "room.publish";
    public static final String PRESENCE_UPDATE = "presence.update";
    public static final String PRESENCE_LIST = "presence.list";
    public static final String TYPING_START = "typing.start";
    public static final String TYPING_STOP = "typing.stop";
    public static final String SYNC_REQUEST = "sync.request";
    /** The one action a connection whose token lapsed may still send. */
    public static final String AUTH_REFRESH = "auth.refresh";

    public static final List<String> ALL = List.of(PING, CONNECTION_INFO, ROOM_JOIN, ROOM_LEAVE, ROOM_PUBLISH,
            PRESENCE_UPDATE, PRESENCE_LIST, TYPING_START, TYPING_STOP, SYNC_REQUEST, AUTH_REFRESH);

    private Actions() {
    }
}
