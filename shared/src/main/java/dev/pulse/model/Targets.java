package dev.pulse.model;

import java.util.List;

/**
 * Where an event goes inside its workspace. Any combination; an empty target list is invalid.
 *
 * @param workspace true to reach every connection of the workspace (room {@code workspace:<id>})
 * @param users     user ids; each reaches all devices of that user (room {@code user:<id>})
 * @param rooms     room names, e.g. {@code chat:42}
 */
public record Targets(boolean workspace, List<String> users, List<String> rooms) {
    public Targets {
        users = users == null ? List.of() : List.copyOf(users);
        rooms = rooms == null ? List.of() : List.copyOf(rooms);
    }

    public boolean isEmpty() {
        return !workspace && users.isEmpty() && rooms.isEmpty();
    }
}
