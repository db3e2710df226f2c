package dev.pulse.catalog;

import dev.pulse.model.Targets;
import java.util.List;

/**
 * Where a routed domain event goes: the union of the rooms of every route that matched it.
 *
 * @param workspaceId   the workspace every room is in
 * @param targets       the rooms as envelope targets ({@code workspace:<id>} as the workspace flag, {@code user:<id>}
 *                      as users, the rest as rooms)
 * @param correlationId read from the payload, or null when no matching route names one or the payload has none
 * @param routes        the routes that matched, in catalog order
 */
public record Routing(String workspaceId, Targets targets, String correlationId, List<Route> routes) {
    public Routing {
        routes = List.copyOf(routes);
    }

    /** Every room name reached, workspace first, then users, then rooms. */
    public List<String> rooms() {
        var rooms = new java.util.ArrayList<String>();
        if (targets.workspace()) {
            rooms.add("workspace:" + workspaceId);
        }
        targets.users().forEach(u -> rooms.add("user:" + u));
        rooms.addAll(targets.rooms());
        return rooms;
    }
}
