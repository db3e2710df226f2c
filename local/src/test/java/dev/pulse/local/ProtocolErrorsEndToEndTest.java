package dev.pulse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Bad frames get explicit error frames through $default, and the connection stays usable. */
@ExtendWith(SharedLocalSystem.class)
class ProtocolErrorsEndToEndTest {
    private static LocalSystem system;
    private TestClient client;

    @BeforeAll
    static void start() {
        system = SharedLocalSystem.get();
    }


    @BeforeEach
    void connect() {
        client = TestClient.connect(system, system.tokens().issue("pat", "ws-err", Duration.ofMinutes(5)));
    }

    @AfterEach
    void close() {
        client.close();
    }

    private JsonNode errorFrame() throws InterruptedException {
        return client.await(f -> "error".equals(f.path("type").asText()));
    }

    private JsonNode replyTo(String id) throws InterruptedException {
        return client.await(f -> "reply".equals(f.path("type").asText()) && id.equals(f.path("id").asText()));
    }

    private void assertStillUsable() throws InterruptedException {
        var pong = client.request("ping", null);
        assertTrue(pong.path("ok").asBoolean(), pong.toString());
        assertFalse(pong.path("data").path("time").asText().isEmpty());
        assertFalse(client.closed.isDone(), "connection was closed");
    }

    @Test
    void notJsonIsMalformed() throws Exception {
        client.sendText("hello there");
        assertEquals("malformed_frame", errorFrame().path("error").path("code").asText());
        assertStillUsable();
    }

    @Test
    void jsonArrayIsMalformed() throws Exception {
        client.sendText("[1,2,3]");
        assertEquals("malformed_frame", errorFrame().path("error").path("code").asText());
        assertStillUsable();
    }

    @Test
    void missingActionWithIdGetsAnErrorReply() throws Exception {
        client.sendText("{\"id\":\"q1\",\"data\":{}}");
        var reply = replyTo("q1");
        assertFalse(reply.path("ok").asBoolean());
        assertEquals("invalid_frame", reply.path("error").path("code").asText());
        assertStillUsable();
    }

    @Test
    void unknownActionGetsUnknownAction() throws Exception {
        client.sendText("{\"action\":\"teleport\",\"id\":\"q2\"}");
        var reply = replyTo("q2");
        assertEquals("unknown_action", reply.path("error").path("code").asText());
        assertTrue(reply.path("error").path("message").asText().contains("teleport"));
        assertStillUsable();
    }

    @Test
    void unknownActionWithoutIdGetsAnErrorFrame() throws Exception {
        client.sendText("{\"action\":\"teleport\"}");
        assertEquals("unknown_action", errorFrame().path("error").path("code").asText());
        assertStillUsable();
    }

    @Test
    void wrongTypedFieldsAreInvalid() throws Exception {
        client.sendText("{\"action\":\"room.join\",\"id\":\"q3\",\"data\":{\"room\":42}}");
        assertEquals("invalid_frame", replyTo("q3").path("error").path("code").asText());
        client.sendText("{\"action\":\"room.join\",\"id\":\"q4\",\"data\":\"chat:1\"}");
        assertEquals("invalid_frame", replyTo("q4").path("error").path("code").asText());
        client.sendText("{\"action\":\"room.join\",\"id\":\"q5\"}");
        assertEquals("invalid_frame", replyTo("q5").path("error").path("code").asText());
        assertStillUsable();
    }

    @Test
    void leavingARoomOneMayNotJoinIsForbiddenLikeJoiningIt() throws Exception {
        for (String room : java.util.List.of("workspace:ws-other", "user:someone-else")) {
            var left = client.request("room.leave", dev.pulse.protocol.Json.object().put("room", room));
            assertFalse(left.path("ok").asBoolean(), room);
            assertEquals("forbidden", left.path("error").path("code").asText(), room);
        }
        assertTrue(client.join("chat:leave-me").path("ok").asBoolean());
        assertTrue(client.request("room.leave", dev.pulse.protocol.Json.object().put("room", "chat:leave-me")).path("ok").asBoolean());
        assertStillUsable();
    }

    @Test
    void aJoinOfManyRoomsAnswersPerRoomAndRefusesBadListsWhole() throws Exception {
        var data = (com.fasterxml.jackson.databind.node.ObjectNode) dev.pulse.protocol.Json.MAPPER.readTree(
                "{\"rooms\":[\"chat:many1\",\"Not A Room\",\"user:someone-else\"]}");
        var reply = client.request("room.join", data);
        assertTrue(reply.path("ok").asBoolean(), reply.toString());
        var rooms = reply.path("data").path("rooms");
        assertTrue(rooms.path("chat:many1").path("ok").asBoolean());
        assertEquals("invalid_room", rooms.path("Not A Room").path("error").path("code").asText());
        assertEquals("own_rooms_only", rooms.path("user:someone-else").path("error").path("reason").asText());
        var tooMany = dev.pulse.protocol.Json.object();
        var list = tooMany.putArray("rooms");
        for (int i = 0; i <= dev.pulse.room.RoomActions.MAX_ROOMS_PER_JOIN; i++) {
            list.add("chat:x" + i);
        }
        for (var bad : java.util.List.of(tooMany, dev.pulse.protocol.Json.object().put("rooms", "chat:1"),
                (com.fasterxml.jackson.databind.node.ObjectNode) dev.pulse.protocol.Json.MAPPER.readTree("{\"rooms\":[7]}"))) {
            var refused = client.request("room.join", bad);
            assertEquals("invalid_frame", refused.path("error").path("code").asText(), bad.toString());
        }
        assertFalse(client.request("connection.info", null).path("data").path("rooms").toString().contains("chat:x0"),
                "a refused list joins nothing");
        assertStillUsable();
    }

    @Test
    void oversizeFrameIsRefusedAndTheConnectionSurvives() throws Exception {
        String padding = "x".repeat(40 * 1024);
        // Over 32 KB, so in two frames: a single frame that large never gets past the gateway (1009).
        client.sendFragmented("{\"action\":\"ping\",\"id\":\"big\",\"data\":{\"pad\":\"" + padding + "\"}}", 20 * 1024);
        var error = replyTo("big"); // the id is read from the refused message, so the client's request gets its answer
        assertFalse(error.path("ok").asBoolean());
        assertEquals("frame_too_large", error.path("error").path("code").asText());
        assertTrue(error.path("error").path("message").asText().contains("32768"));
        assertStillUsable();
    }

    @Test
    void floodOfJoinsIsRateLimitedWithARetryHintAndNothingElseHappens() throws Exception {
        FixedWindows.awaitRoom(Duration.ofSeconds(60), Duration.ofSeconds(10)); // 5 per fixed 60-second window
        for (int i = 1; i <= 5; i++) {
            assertTrue(client.join("chat:flood" + i).path("ok").asBoolean(), "join " + i);
        }
        var limited = client.join("chat:flood6");
        assertFalse(limited.path("ok").asBoolean());
        assertEquals("rate_limited", limited.path("error").path("code").asText());
        long retryAfter = limited.path("error").path("retryAfterMs").asLong();
        assertTrue(retryAfter > 0 && retryAfter <= 60_000, "retryAfterMs " + retryAfter);
        var rooms = client.request("connection.info", null).path("data").path("rooms").toString();
        assertTrue(rooms.contains("chat:flood5"));
        assertFalse(rooms.contains("chat:flood6"), "a refused join must not take effect");
        assertStillUsable();
    }

    @Test
    void successfulRequestWithoutIdGetsNoFrame() throws Exception {
        client.sendText("{\"action\":\"room.join\",\"data\":{\"room\":\"chat:quiet\"}}");
        // Messages of one connection are handled concurrently (as on API Gateway): poll until the join shows.
        boolean joined = false;
        for (int attempt = 0; attempt < 50 && !joined; attempt++) {
            joined = client.request("connection.info", null).path("data").path("rooms").toString().contains("chat:quiet");
        }
        assertTrue(joined, "the join without id was not carried out");
        assertEquals(0, client.drain().size(), "a successful request without id must not be answered");
    }
}
