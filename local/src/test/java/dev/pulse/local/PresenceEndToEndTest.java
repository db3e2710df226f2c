package dev.pulse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.protocol.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Presence through the local stack with real WebSocket clients: aggregation by user, diffs, limits, isolation. */
@ExtendWith(SharedLocalSystem.class)
class PresenceEndToEndTest {
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

    private TestClient connect(String user, String workspace) {
        var client = TestClient.connectWithPresence(system, system.tokens().issue(user, workspace, Duration.ofMinutes(10)));
        clients.add(client);
        return client;
    }

    private static List<JsonNode> presenceSignalsSoFar(TestClient client) throws InterruptedException {
        client.request("ping", null);
        return client.drain().stream().filter(f -> f.path("event").asText().startsWith("presence.")).toList();
    }

    /** The next presence.diff of the room in which the user is in the list (joins, updates or leaves). */
    static JsonNode awaitDiff(TestClient client, String room, String list, String userId) throws InterruptedException {
        return client.await(f -> "presence.diff".equals(f.path("event").asText())
                && room.equals(f.path("room").asText())
                && f.path("data").path(list).findValuesAsText("userId").contains(userId)).path("data");
    }

    static JsonNode entry(JsonNode diff, String list, String userId) {
        for (var u : diff.path(list)) {
            if (userId.equals(u.path("userId").asText())) {
                return u;
            }
        }
        return null;
    }

    private static JsonNode list(TestClient client, String room) throws InterruptedException {
        return client.request("presence.list", Json.object().put("room", room));
    }

    /** Polls presence.list until it shows what the test waits for ($disconnect runs after the socket closed). */
    private static JsonNode listUntil(TestClient client, String room, Predicate<JsonNode> done) throws Exception {
        JsonNode reply = null;
        for (int i = 0; i < 100; i++) {
            reply = list(client, room);
            if (done.test(reply.path("data"))) {
                return reply.path("data");
            }
            Thread.sleep(50);
        }
        throw new AssertionError("presence never reached the expected state; last: " + reply);
    }

    private static JsonNode user(JsonNode listData, String userId) {
        for (var u : listData.path("users")) {
            if (userId.equals(u.path("userId").asText())) {
                return u;
            }
        }
        return null;
    }

    @Test
    void joinOnTheFirstDeviceUpdatesForMoreDevicesLeaveOnTheLastAndAList() throws Exception {
        var watcher = connect("wes", "ws-p1");
        var laptop = connect("ann", "ws-p1");

        var join = awaitDiff(watcher, "workspace:ws-p1", "joins", "ann");
        assertEquals("{\"userId\":\"ann\",\"status\":\"online\",\"devices\":1}", entry(join, "joins", "ann").toString());
        assertEquals("workspace:ws-p1", join.path("room").asText());
        var frame = watcher.drain();
        assertTrue(frame.stream().noneMatch(f -> f.has("seq")), "presence diffs are not logged: " + frame);

        var phone = connect("ann", "ws-p1");
        var second = awaitDiff(watcher, "workspace:ws-p1", "updates", "ann");
        assertEquals(2, entry(second, "updates", "ann").path("devices").asInt(), "a second device is an update");
        assertEquals(0, second.path("joins").size(), second.toString());

        var listed = list(watcher, "workspace:ws-p1");
        assertTrue(listed.path("ok").asBoolean(), listed.toString());
        assertEquals(2, listed.path("data").path("onlineCount").asInt());
        assertEquals(false, listed.path("data").path("truncated").asBoolean());
        assertEquals(true, listed.path("data").path("signals").asBoolean(), "a small room gets signals");
        assertEquals(2, user(listed.path("data"), "ann").path("devices").asInt());
        assertEquals("online", user(listed.path("data"), "wes").path("status").asText());

        laptop.closeNormally();
        var fewer = awaitDiff(watcher, "workspace:ws-p1", "updates", "ann");
        assertEquals(1, entry(fewer, "updates", "ann").path("devices").asInt(), "ann is still here on her phone");

        phone.closeNormally();
        var leave = awaitDiff(watcher, "workspace:ws-p1", "leaves", "ann");
        assertEquals("{\"userId\":\"ann\"}", entry(leave, "leaves", "ann").toString());
        var afterPhone = list(watcher, "workspace:ws-p1").path("data");
        assertEquals(1, afterPhone.path("onlineCount").asInt());
        assertEquals(null, user(afterPhone, "ann"));
    }

    @Test
    void statusChangesReachEveryoneAggregatedOverDevicesAndAreRateLimited() throws Exception {
        var watcher = connect("wil", "ws-p2");
        var laptop = connect("bea", "ws-p2");
        awaitDiff(watcher, "workspace:ws-p2", "joins", "bea");

        var reply = laptop.request("presence.update", Json.object().put("status", "away"));
        assertEquals("{\"status\":\"away\"}", reply.path("data").toString(), reply.toString());
        var update = awaitDiff(watcher, "workspace:ws-p2", "updates", "bea");
        assertEquals("{\"userId\":\"bea\",\"status\":\"away\",\"devices\":1}", entry(update, "updates", "bea").toString());
        assertEquals("away", entry(awaitDiff(laptop, "workspace:ws-p2", "updates", "bea"), "updates", "bea")
                .path("status").asText(), "the changer's own connection gets the diff too");

        // A second device that is online outranks the away laptop: bea is online again.
        var phone = connect("bea", "ws-p2");
        assertEquals("{\"userId\":\"bea\",\"status\":\"online\",\"devices\":2}",
                entry(awaitDiff(watcher, "workspace:ws-p2", "updates", "bea"), "updates", "bea").toString());
        assertEquals("online", user(list(watcher, "workspace:ws-p2").path("data"), "bea").path("status").asText());
        assertTrue(phone.request("presence.update", Json.object().put("status", "busy")).path("ok").asBoolean());
        assertEquals("busy", entry(awaitDiff(watcher, "workspace:ws-p2", "updates", "bea"), "updates", "bea")
                .path("status").asText(), "busy outranks away");

        // 3 per 10 s, per connection: a third device's first three pass, its fourth is refused and changes nothing.
        var tablet = connect("bea", "ws-p2");
        FixedWindows.awaitRoom(Duration.ofSeconds(10), Duration.ofSeconds(4)); // a fixed 10-second window
        for (int i = 0; i < 3; i++) {
            assertTrue(tablet.request("presence.update", Json.object().put("status", "away")).path("ok").asBoolean());
        }
        var limited = tablet.request("presence.update", Json.object().put("status", "online"));
        assertEquals("rate_limited", limited.path("error").path("code").asText(), limited.toString());
        assertTrue(limited.path("error").path("retryAfterMs").asLong() > 0);
        assertEquals("busy", user(list(watcher, "workspace:ws-p2").path("data"), "bea").path("status").asText());
    }

    @Test
    void chatRoomsHavePresenceThroughJoinAndLeave() throws Exception {
        var bob = connect("bob", "ws-p3");
        var carl = connect("carl", "ws-p3");
        assertTrue(bob.join("chat:1").path("ok").asBoolean());

        assertTrue(carl.join("chat:1").path("ok").asBoolean());
        var join = awaitDiff(bob, "chat:1", "joins", "carl");
        assertEquals("online", entry(join, "joins", "carl").path("status").asText());
        var listed = list(carl, "chat:1").path("data");
        assertEquals(2, listed.path("onlineCount").asInt());
        assertEquals("[\"bob\",\"carl\"]", Json.MAPPER.valueToTree(
                listed.path("users").findValuesAsText("userId")).toString());

        assertTrue(carl.request("room.leave", Json.object().put("room", "chat:1")).path("ok").asBoolean());
        awaitDiff(bob, "chat:1", "leaves", "carl");
        assertEquals(1, list(bob, "chat:1").path("data").path("onlineCount").asInt());
    }

    @Test
    void badPresenceRequestsGetClearErrors() throws Exception {
        var dee = connect("dee", "ws-p4");
        assertTrue(dee.join("project:x").path("ok").asBoolean());
        assertEquals("forbidden", list(dee, "project:x").path("error").path("code").asText(), "no presence in project rooms");
        assertEquals("forbidden", list(dee, "chat:not-joined").path("error").path("code").asText());
        assertEquals("invalid_room", list(dee, "no-colon").path("error").path("code").asText());
        assertEquals("invalid_frame", dee.request("presence.list", Json.object()).path("error").path("code").asText());
        assertEquals("invalid_frame", dee.request("presence.update", Json.object().put("status", "idle"))
                .path("error").path("code").asText());
        assertTrue(dee.request("ping", null).path("ok").asBoolean(), "the connection stays open");
    }

    @Test
    void presenceNeverCrossesAWorkspace() throws Exception {
        var inA = connect("eli", "ws-p5a");
        var inB = connect("eli", "ws-p5b");
        var otherInB = connect("fay", "ws-p5b");
        awaitDiff(inB, "workspace:ws-p5b", "joins", "fay");

        assertTrue(presenceSignalsSoFar(inA).stream().allMatch(f -> "workspace:ws-p5a".equals(f.path("room").asText())),
                "arrivals in ws-p5b are not seen in ws-p5a");
        var listA = list(inA, "workspace:ws-p5a").path("data");
        assertEquals(1, listA.path("onlineCount").asInt());
        assertEquals(1, user(listA, "eli").path("devices").asInt(), "the same user id in another workspace is not a device");
        assertEquals("forbidden", list(inA, "workspace:ws-p5b").path("error").path("code").asText());
        otherInB.closeNormally();
        awaitDiff(inB, "workspace:ws-p5b", "leaves", "fay");
        assertTrue(presenceSignalsSoFar(inA).stream().allMatch(f -> "workspace:ws-p5a".equals(f.path("room").asText())));
    }
}
