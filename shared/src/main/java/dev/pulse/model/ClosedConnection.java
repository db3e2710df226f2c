package dev.pulse.model;

import java.util.List;

/**
 * What closing a connection removed.
 *
 * @param connection the record as it was, or null when it was already gone (a repeated or late close)
 * @param rooms      the rooms it was in
 */
public record ClosedConnection(Connection connection, List<Room> rooms) {
    public ClosedConnection {
        rooms = List.copyOf(rooms);
    }
}
