package dev.pulse.catalog;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A routing rule: domain events (no Pulse envelope) from {@code source} whose name matches {@code detailType} are
 * delivered to the rooms built from their payload, inside the workspace named by the payload's {@code workspace}
 * field.
 *
 * @param number        1-based position in the catalog, for messages and docs
 * @param description   why, for the docs; may be empty
 * @param source        the EventBridge source it takes, or null for any
 * @param detailType    the event names it takes
 * @param workspace     where the workspace id is in the payload
 * @param rooms         the room templates
 * @param correlationId where the correlation id is in the payload, or null (the EventBridge event id is used)
 */
public record Route(int number, String description, String source, DetailTypeMatch detailType, FieldPath workspace,
                    List<RoomTemplate> rooms, FieldPath correlationId) {
    public Route {
        rooms = List.copyOf(rooms);
        description = description == null ? "" : description;
    }

    public boolean matches(String eventSource, String eventName) {
        return (source == null || source.equals(eventSource)) && detailType.matches(eventName);
    }

    /** e.g. {@code route 1 (approval.* → workspace:{workspaceId})}. */
    @Override
    public String toString() {
        return "route " + number + " (" + (source == null ? "" : source + " ") + detailType + " → "
                + rooms.stream().map(RoomTemplate::template).collect(Collectors.joining(", ")) + ")";
    }
}
