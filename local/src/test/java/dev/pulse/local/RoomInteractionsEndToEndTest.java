package dev.pulse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.protocol.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Typing indicators and client events, with real clients through the local stack. */
@ExtendWith(SharedLocalSystem.class)
class RoomInteractionsEndToEndTest {
    private static LocalSystem system;
    private final List<TestClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() {
        system = SharedLocalSystem.get();
    }


    @AfterEach
    void closeClients() {
        clients.forEach(TestClient::close);
    }

    private TestClient inRoom(String user, String workspace, String room) throws InterruptedException {
        var client = TestClient.connect(system, system.tokens().issue(user, workspace, Duration.ofMinutes(10)));
        clients.add(client);
        if (room != null) {
            assertTrue(client.join(room).path("ok").asBoolean());
        }
        return client;
    }

    private static List<JsonNode> framesAfterDeliveries(TestClient client) throws Exception {
        client.request("ping", null);
        return client.drain();
    }

    @Test
    void typingReachesTheOtherMembersButNotTheSender() throws Exception {
        var typist = inRoom("ann", "ws-i", "chat:9");
        var reader1 = inRoom("ben", "ws-i", "chat:9");
        var reader2 = inRoom("cal", "ws-i", "chat:9");
        var elsewhere = inRoom("dan", "ws-i", "chat:10");

        var reply = typist.request("typing.start", Json.object().put("room", "chat:9"));
        assertTrue(reply.path("ok").asBoolean(), reply.toString());
        for (var reader : List.of(reader1, reader2)) {
            var event = reader.awaitEvent("typing.start");
            assertEquals("chat:9", event.path("room").asText());
            assertEquals("ann", event.path("data").path("userId").asText());
            assertEquals(6000, event.path("data").path("expiresInMs").asLong());
            assertTrue(event.path("seq").isMissingNode(), "typing is a signal, not logged history: " + event);
        }
        assertTrue(typist.request("typing.stop", Json.object().put("room", "chat:9")).path("ok").asBoolean());
        assertEquals("ann", reader1.awaitEvent("typing.stop").path("data").path("userId").asText());
        // The typing replies were sent after the fan-out finished, so nothing else is on its way.
        assertEquals(List.of(), framesAfterDeliveries(typist), "the sender must not get its own typing events");
        assertEquals(List.of(), framesAfterDeliveries(elsewhere));
    }

    @Test
    void typingIsRefusedOutsideChatRoomsAndRoomsNotJoined() throws Exception {
        var client = inRoom("eve", "ws-i", "project:x");
        assertEquals("forbidden", client.request("typing.start", Json.object().put("room", "project:x"))
                .path("error").path("code").asText());
        assertEquals("forbidden", client.request("typing.start", Json.object().put("room", "chat:not-joined"))
                .path("error").path("code").asText());
        assertEquals("invalid_frame", client.request("typing.start", Json.object()).path("error").path("code").asText());
    }

    @Test
    void typingIsRateLimited() throws Exception {
        var client = inRoom("fay", "ws-i", "chat:rl");
        // 5 per fixed 5-second window (it failed once in CI when the six requests straddled a window's end).
        FixedWindows.awaitRoom(Duration.ofSeconds(5), Duration.ofSeconds(3));
        for (int i = 0; i < 5; i++) {
            assertTrue(client.request("typing.start", Json.object().put("room", "chat:rl")).path("ok").asBoolean());
        }
        var limited = client.request("typing.start", Json.object().put("room", "chat:rl"));
        assertEquals("rate_limited", limited.path("error").path("code").asText());
        assertTrue(limited.path("error").path("retryAfterMs").asLong() <= 5000);
    }

    @Test
    void clientEventsWithAnAllowedNameReachTheOthersWithTheSenderStamped() throws Exception {
        var sender = inRoom("gus", "ws-c", "doc:1");
        var other = inRoom("hal", "ws-c", "doc:1");
        var reply = sender.request("room.publish", Json.object().put("room", "doc:1").put("event", "client.data:update")
                .set("data", Json.object().put("field", "title").put("value", "Q3 plan")));
        assertTrue(reply.path("ok").asBoolean(), reply.toString());

        var event = other.awaitEvent("client.data:update");
        assertEquals("doc:1", event.path("room").asText());
        assertEquals("gus", event.path("data").path("userId").asText());
        assertEquals("Q3 plan", event.path("data").path("data").path("value").asText());
        assertEquals(reply.path("data").path("eventId").asText(), event.path("eventId").asText());
        assertTrue(event.path("seq").asLong() >= 1, "client events are logged like published ones: " + event);
        // The sender learns its event's position from the reply (it does not get the event).
        assertEquals(event.path("seq").asLong(), reply.path("data").path("seq").asLong(), reply.toString());
        assertEquals(event.path("epoch").asText(), reply.path("data").path("epoch").asText());
        assertEquals(List.of(), framesAfterDeliveries(sender));
    }

    @Test
    void clientEventsAreRefusedForServerEventNamesAndRoomsNotJoined() throws Exception {
        var client = inRoom("ida", "ws-c", "doc:2");
        var listener = inRoom("jon", "ws-c", "doc:2");
        var forged = client.request("room.publish", Json.object().put("room", "doc:2").put("event", "approval.created"));
        assertEquals("forbidden", forged.path("error").path("code").asText());
        var notJoined = client.request("room.publish", Json.object().put("room", "doc:3").put("event", "client.x"));
        assertEquals("forbidden", notJoined.path("error").path("code").asText());
        assertEquals("invalid_frame", client.request("room.publish", Json.object().put("room", "doc:2"))
                .path("error").path("code").asText());
        assertEquals(List.of(), framesAfterDeliveries(listener), "refused events must not be delivered");
    }
}
