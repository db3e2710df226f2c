package dev.pulse.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * One event as it travels on EventBridge: {@code detail-type} is the event name, {@code detail} carries the rest.
 *
 * @param eventId            unique id; the idempotency key (duplicates are dropped)
 * @param event              the event name, travels unchanged (e.g. {@code approval.created})
 * @param workspaceId        the tenant; every target is inside it
 * @param targets            rooms, users and/or the whole workspace
 * @param exceptConnectionId a connection not to deliver to (usually the sender's), or null
 * @param correlationId      ties the event to the request that caused it; generated when absent
 * @param publishedAt        when the publisher built it
 * @param data               the payload, any JSON value
 */
public record EventEnvelope(
        String eventId,
        String event,
        String workspaceId,
        Targets targets,
        String exceptConnectionId,
        String correlationId,
        Instant publishedAt,
        JsonNode data) {

    /** The rooms the event targets, in the order workspace, users, rooms, without repeats. */
    public List<Room> rooms() {
        var rooms = new LinkedHashSet<Room>();
        if (targets.workspace()) {
            rooms.add(Room.workspace(workspaceId));
        }
        targets.users().forEach(user -> rooms.add(Room.user(workspaceId, user)));
        targets.rooms().forEach(name -> rooms.add(new Room(workspaceId, name)));
        return List.copyOf(rooms);
    }

    /** The part every recipient gets, with the payload serialised (once, here). */
    public EventContent content() {
        // JsonNode.toString() writes standard JSON (Jackson >= 2.10).
        return new EventContent(eventId, event, publishedAt, correlationId, data == null ? "null" : data.toString());
    }
}
