package dev.pulse.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Event frames with positions, and the sync / sync.state frames, against the v1 schemas. */
class SyncFramesTest {
    private static final Instant AT = Instant.parse("2026-11-22T10:00:00.123Z");
    private final ProtocolSchemas schemas = new ProtocolSchemas();

    @Test
    void eventWithPositionCarriesSeqAndEpoch() throws Exception {
        String text = TestFrames.event("chat.message", "chat:42", 17, "ep1", "e-1", AT, null, Json.object().put("t", 1));
        schemas.assertServerFrame("server-event", text);
        JsonNode frame = Json.MAPPER.readTree(text);
        assertEquals(17, frame.get("seq").longValue());
        assertTrue(frame.get("seq").isIntegralNumber());
        assertEquals("ep1", frame.get("epoch").textValue());
        assertEquals("chat:42", frame.get("room").textValue());
    }

    @Test
    void eventWithOtherPositionsCarriesThemAndOmitsAnEmptyMap() throws Exception {
        var others = Json.object();
        others.putObject("chat:7").put("seq", 3).put("epoch", "e7");
        String text = TestFrames.event("a.b", "workspace:w1", 9, "ew", others, "e-1", AT, null, null);
        schemas.assertServerFrame("server-event", text);
        assertEquals(others, Json.MAPPER.readTree(text).get("positions"));
        String none = TestFrames.event("a.b", "workspace:w1", 9, "ew", Json.object(), "e-1", AT, null, null);
        assertFalse(Json.MAPPER.readTree(none).has("positions"));
    }

    @Test
    void eventWithoutPositionHasNeither() throws Exception {
        JsonNode frame = Json.MAPPER.readTree(TestFrames.event("a.b", "chat:42", "e-1", AT, null, null));
        assertFalse(frame.has("seq"));
        assertFalse(frame.has("epoch"));
    }

    @Test
    void positionsOutsideTheProtocolAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> TestFrames.event("a.b", "chat:42", 0, "ep", "e", AT, null, null));
        assertThrows(IllegalArgumentException.class, () -> TestFrames.event("a.b", "chat:42", 1, "", "e", AT, null, null));
        assertThrows(NullPointerException.class, () -> TestFrames.event("a.b", "chat:42", 1, null, "e", AT, null, null));
    }

    @Test
    void syncFrameHoldsTheEventFramesAsTheyAre() throws Exception {
        var one = TestFrames.event("chat.message", "chat:42", 1, "ep", "e-1", AT, "c", Json.object().put("n", 1));
        var two = TestFrames.event("chat.message", "chat:42", 2, "ep", "e-2", AT, null, null);
        String text = ServerFrames.sync(List.of(one, two));
        schemas.assertServerFrame("server-sync", text);
        JsonNode frame = Json.MAPPER.readTree(text);
        assertEquals("sync", frame.get("type").textValue());
        assertEquals(Json.MAPPER.readTree(one), frame.get("events").get(0));
        assertEquals(Json.MAPPER.readTree(two), frame.get("events").get(1));
        assertEquals(ServerFrames.SYNC_OVERHEAD + one.length() + two.length() + 1, text.length());
    }

    @Test
    void syncStateValidates() throws Exception {
        var rooms = Json.object();
        rooms.putObject("chat:42").put("status", "restored").put("seq", 19).put("epoch", "ep");
        rooms.putObject("user:u1").put("status", "restored").put("seq", 0);
        rooms.putObject("chat:7").put("status", "not_joined");
        String text = ServerFrames.syncState(rooms, true);
        schemas.assertServerFrame("server-sync-state", text);
        JsonNode frame = Json.MAPPER.readTree(text);
        assertEquals("sync.state", frame.get("type").textValue());
        assertTrue(frame.get("more").booleanValue());
        assertEquals(rooms, frame.get("rooms"));
    }
}
