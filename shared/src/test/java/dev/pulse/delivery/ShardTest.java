package dev.pulse.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.model.EventContent;
import dev.pulse.model.Member;
import dev.pulse.model.Position;
import dev.pulse.model.Room;
import dev.pulse.protocol.Json;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A shard's message body: read back exactly as written, and refused with a clear message when it is not one. */
class ShardTest {
    private final Delivery delivery = new Delivery(List.of(Room.workspace("w1"), Room.user("w1", "u2")),
            List.of(new Position(7, "ep1"), new Position(3, "ep2")),
            new EventContent("e1", "chat.message", Instant.parse("2026-12-02T01:00:00Z"), null, "{\"text\":\"hé\"}"), "c0");

    @Test
    void theBodyRoundTripsAndTheKeyFollowsTheMembers() throws Exception {
        var shard = new Shard(delivery, 0, 2, List.of(new Member("c1", "u1"), new Member("c2", null)));
        var read = Shard.fromJson(Json.MAPPER.readTree(shard.toJson().toString()));
        assertEquals(shard, read);
        assertEquals(shard.key(), read.key());
        assertTrue(shard.key().startsWith("e1#0#2#"));
        assertNotEquals(shard.key(), new Shard(delivery, 0, 2, List.of(new Member("c1", "u1"))).key(),
                "a shard cut anew from a changed membership has another key");
    }

    @Test
    void badBodiesAndBadShardsAreRefusedNamingWhy() throws Exception {
        var notOne = assertThrows(IllegalArgumentException.class, () -> Shard.fromJson(Json.MAPPER.readTree("{\"a\":1}")));
        assertTrue(notOne.getMessage().contains("not a shard record"), notOne.getMessage());
        var body = new Shard(delivery, 0, 0, List.of(new Member("c1", "u1"))).toJson();
        body.putArray("members").add("c1");
        var member = assertThrows(IllegalArgumentException.class, () -> Shard.fromJson(body));
        assertTrue(member.getMessage().contains("[connectionId, userId]"), member.getMessage());
        body.remove("event");
        assertThrows(IllegalArgumentException.class, () -> Shard.fromJson(body));
        assertThrows(IllegalArgumentException.class, () -> new Shard(delivery, 2, 0, List.of()), "no third room");
        var unlogged = new Delivery(delivery.rooms(), List.of(), delivery.content(), null);
        assertThrows(IllegalArgumentException.class, () -> new Shard(unlogged, 0, 0, List.of()));
        var twoTenants = new Delivery(List.of(Room.workspace("w1"), Room.workspace("w2")),
                delivery.positions(), delivery.content(), null);
        assertThrows(IllegalArgumentException.class, () -> new Shard(twoTenants, 0, 0, List.of()), "one workspace");
    }
}
