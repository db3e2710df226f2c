package dev.pulse.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulse.model.EventContent;
import dev.pulse.model.Member;
import dev.pulse.model.Position;
import dev.pulse.model.Room;
import dev.pulse.protocol.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One part of a big room's delivery, handed to a worker: the whole {@link Delivery} (so the worker renders exactly the
 * frames the fan-out would have, positions in the other target rooms included) and the connections of one room it is
 * to post to, already de-duplicated against the event's other rooms and its {@code except} connection.
 *
 * @param delivery  the event, its rooms and positions
 * @param roomIndex which of the delivery's rooms these members were read from (the frames name it)
 * @param index     the shard's place among the room's shards, from 0
 * @param members   the connections to post to, in the order the room's Query returned them
 */
public record Shard(Delivery delivery, int roomIndex, int index, List<Member> members) {
    public Shard {
        Objects.requireNonNull(delivery, "delivery");
        members = List.copyOf(members);
        if (roomIndex < 0 || roomIndex >= delivery.rooms().size()) {
            throw new IllegalArgumentException("roomIndex " + roomIndex + " is not one of the delivery's "
                    + delivery.rooms().size() + " rooms");
        }
        if (index < 0) {
            throw new IllegalArgumentException("shard index must not be negative, got " + index);
        }
        if (!delivery.logged()) {
            throw new IllegalArgumentException("only logged events are delivered in shards");
        }
        String workspace = delivery.rooms().getFirst().workspaceId();
        if (delivery.rooms().stream().anyMatch(r -> !r.workspaceId().equals(workspace))) {
            throw new IllegalArgumentException("a shard's rooms must all belong to one workspace");
        }
    }

    /** The tenant every room of the shard belongs to. */
    public String workspaceId() {
        return delivery.rooms().getFirst().workspaceId();
    }

    /**
     * What the shard's progress is recorded under: the event, the room, the shard's place and a digest of its member
     * list. A redelivered message has the same key and resumes where its last attempt recorded; a shard cut anew (the
     * fan-out itself retried after the membership changed) has another key and starts over, so a changed list can cause
     * repeats (clients drop them by eventId) but never skip a connection.
     */
    public String key() {
        int digest = 1;
        for (Member m : members) {
            digest = 31 * digest + m.connectionId().hashCode();
        }
        return delivery.content().eventId() + "#" + roomIndex + "#" + index + "#" + Integer.toHexString(digest);
    }

    /**
     * The message body: {@code {"shard":1,"index":0,"roomIndex":0,"rooms":[{"workspaceId":…,"name":…}],
     * "positions":[{"seq":…,"epoch":…}],"except":…,"event":{"eventId":…,"event":…,"publishedAt":…,"correlationId":…,
     * "data":"<JSON text>"},"members":[["<connectionId>","<userId>"],…]}}.
     */
    public ObjectNode toJson() {
        ObjectNode json = Json.object();
        json.put("shard", 1);
        json.put("index", index);
        json.put("roomIndex", roomIndex);
        var rooms = json.putArray("rooms");
        delivery.rooms().forEach(r -> rooms.addObject().put("workspaceId", r.workspaceId()).put("name", r.name()));
        var positions = json.putArray("positions");
        delivery.positions().forEach(p -> positions.addObject().put("seq", p.seq()).put("epoch", p.epoch()));
        json.put("except", delivery.exceptConnectionId());
        var content = delivery.content();
        json.putObject("event").put("eventId", content.eventId()).put("event", content.event())
                .put("publishedAt", content.publishedAt().toString()).put("correlationId", content.correlationId())
                .put("data", content.dataJson());
        var list = json.putArray("members");
        members.forEach(m -> list.addArray().add(m.connectionId()).add(m.userId()));
        return json;
    }

    /**
     * Reads a body {@link #toJson} wrote.
     *
     * @throws IllegalArgumentException naming what is missing or wrong: such a message can never be delivered
     */
    public static Shard fromJson(JsonNode json) {
        if (json == null || json.path("shard").asInt() != 1) {
            throw new IllegalArgumentException("not a shard record (no \"shard\":1)");
        }
        try {
            var rooms = new ArrayList<Room>();
            json.path("rooms").forEach(r -> rooms.add(new Room(text(r, "workspaceId"), text(r, "name"))));
            var positions = new ArrayList<Position>();
            json.path("positions").forEach(p -> positions.add(new Position(p.path("seq").asLong(-1), text(p, "epoch"))));
            JsonNode event = json.path("event");
            var content = new EventContent(text(event, "eventId"), text(event, "event"),
                    Instant.parse(text(event, "publishedAt")),
                    event.path("correlationId").isTextual() ? event.path("correlationId").asText() : null,
                    text(event, "data"));
            var members = new ArrayList<Member>();
            for (JsonNode m : json.path("members")) {
                if (!m.isArray() || m.size() != 2 || !m.get(0).isTextual()) {
                    throw new IllegalArgumentException("members: each must be [connectionId, userId]");
                }
                members.add(new Member(m.get(0).asText(), m.get(1).isTextual() ? m.get(1).asText() : null));
            }
            var except = json.path("except").isTextual() ? json.path("except").asText() : null;
            return new Shard(new Delivery(rooms, positions, content, except), json.path("roomIndex").asInt(-1),
                    json.path("index").asInt(-1), members);
        } catch (NullPointerException | java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("not a shard record: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field) {
        var value = node.path(field);
        if (!value.isTextual()) {
            throw new IllegalArgumentException("shard record: " + field + " must be a string");
        }
        return value.asText();
    }
}
