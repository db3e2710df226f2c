package dev.pulse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulse.protocol.Json;
import dev.pulse.publish.Publisher;
import dev.pulse.sync.SyncActions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Positions and recovery on the whole local stack: live frames carry gap-free seq per room, and a client
 * that disconnects, misses events and reconnects gets exactly the missed ones back with sync.request.
 */
@ExtendWith(SharedLocalSystem.class)
class SyncEndToEndTest {
    private static LocalSystem system;
    private static Publisher publisher;
    private final List<TestClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() {
        system = SharedLocalSystem.get();
        publisher = new Publisher(system.eventBridgeClient(), "default", "com.acme.chat");
    }


    @AfterEach
    void closeClients() {
        clients.forEach(TestClient::close);
    }

    private TestClient connect(String user, String workspace) {
        var client = TestClient.connect(system, system.tokens().issue(user, workspace, Duration.ofMinutes(10)));
        clients.add(client);
        return client;
    }

    private static void publish(String workspace, String room, int n) {
        publisher.event("chat.message").toRoom(workspace, room).data(Map.of("n", n)).send();
    }

    private static List<JsonNode> events(List<JsonNode> frames) {
        return frames.stream().filter(f -> "event".equals(f.path("type").asText())).toList();
    }

    /** Every frame that arrived once all deliveries finished (a ping round trip flushes the socket). */
    private static List<JsonNode> settled(TestClient client) throws Exception {
        assertTrue(system.awaitDeliveries(Duration.ofSeconds(90)), "deliveries did not finish");
        client.request("ping", null);
        return client.drain();
    }

    @Test
    void liveFramesCarryIncreasingGapFreeSeqPerRoom() throws Exception {
        var client = connect("ann", "ws-s1");
        client.join("chat:a");
        client.join("chat:b");
        for (int i = 1; i <= 5; i++) {
            publish("ws-s1", "chat:a", i);
            publish("ws-s1", "chat:b", i);
        }
        var events = events(settled(client));
        assertEquals(10, events.size());
        for (String room : List.of("chat:a", "chat:b")) {
            var seqs = events.stream().filter(e -> room.equals(e.path("room").asText()))
                    .map(e -> e.path("seq").asLong()).sorted().toList();
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L), seqs, room);
            assertEquals(1, events.stream().filter(e -> room.equals(e.path("room").asText()))
                    .map(e -> e.path("epoch").asText()).distinct().count());
        }
        assertNotEquals(events.stream().filter(e -> "chat:a".equals(e.path("room").asText())).findFirst().orElseThrow().path("epoch"),
                events.stream().filter(e -> "chat:b".equals(e.path("room").asText())).findFirst().orElseThrow().path("epoch"),
                "every room has its own stream");
    }

    @Test
    void reconnectAndSyncReplaysExactlyTheMissedEventsOnceInOrderAcrossRooms() throws Exception {
        var rooms = List.of("chat:1", "chat:2", "chat:3");
        var first = connect("bob", "ws-s2");
        for (String room : rooms) {
            first.join(room);
        }
        for (String room : rooms) {
            publish("ws-s2", room, 0);
            publish("ws-s2", room, 1);
        }
        var seenLive = events(settled(first));
        assertEquals(6, seenLive.size());
        Map<String, JsonNode> last = new HashMap<>();
        for (var e : seenLive) {
            last.merge(e.path("room").asText(), e, (a, b) -> a.path("seq").asLong() >= b.path("seq").asLong() ? a : b);
        }
        first.closeNormally();
        first.closed.get(10, java.util.concurrent.TimeUnit.SECONDS);

        // Offline: 3, 4 and 5 more events per room.
        var missed = new HashMap<String, List<String>>();
        for (int r = 0; r < rooms.size(); r++) {
            for (int i = 0; i < 3 + r; i++) {
                publisher.event("chat.message").toRoom("ws-s2", rooms.get(r)).data(Map.of("n", 10 + i)).send();
            }
        }
        assertTrue(system.awaitDeliveries(Duration.ofSeconds(30)));
        for (String room : rooms) {
            missed.put(room, system.services().eventLog().read(new dev.pulse.model.Room("ws-s2", room), 2, 100).stream()
                    .map(e -> e.eventId()).toList());
        }

        var second = connect("bob", "ws-s2");
        for (String room : rooms) {
            second.join(room);
        }
        ObjectNode positions = Json.object();
        for (String room : rooms) {
            positions.putObject(room).put("seq", last.get(room).path("seq").asLong()).put("epoch", last.get(room).path("epoch").asText());
        }
        var reply = second.request("sync.request", Json.object().set("positions", positions));
        assertTrue(reply.path("ok").asBoolean(), reply.toString());
        assertEquals(12, reply.path("data").path("events").asInt());
        assertFalse(reply.path("data").path("more").asBoolean());
        var frames = settled(second);

        var replayed = new ArrayList<JsonNode>();
        JsonNode state = null;
        for (var f : frames) {
            switch (f.path("type").asText()) {
                case "sync" -> {
                    assertTrue(state == null, "sync frames come before sync.state");
                    f.path("events").forEach(replayed::add);
                }
                case "sync.state" -> state = f;
                case "event" -> throw new AssertionError("no live events were published: " + f);
                default -> { }
            }
        }
        assertTrue(state != null, "a sync.state frame ends the replay: " + frames);
        for (int r = 0; r < rooms.size(); r++) {
            String room = rooms.get(r);
            var got = replayed.stream().filter(e -> room.equals(e.path("room").asText())).toList();
            assertEquals(missed.get(room), got.stream().map(e -> e.path("eventId").asText()).toList(), room);
            long expectedSeq = 3;
            for (var e : got) {
                assertEquals(expectedSeq++, e.path("seq").asLong(), room + " in order, no gap");
                assertEquals(last.get(room).path("epoch").asText(), e.path("epoch").asText());
            }
            var roomState = state.path("rooms").path(room);
            assertEquals("restored", roomState.path("status").asText(), state.toString());
            assertEquals(2 + 3 + r, roomState.path("seq").asLong());
        }
        assertEquals(12, replayed.size());
    }

    @Test
    void syncOfAnUnknownEpochIsLostAndOfARoomNotJoinedReadsNothing() throws Exception {
        var client = connect("cy", "ws-s3");
        client.join("chat:x");
        publish("ws-s3", "chat:x", 1);
        publish("ws-s3", "chat:secret", 1);
        settled(client);
        var positions = Json.object();
        positions.putObject("chat:x").put("seq", 1).put("epoch", "not-the-epoch");
        positions.putObject("chat:secret").put("seq", 0);
        var reply = client.request("sync.request", Json.object().set("positions", positions));
        assertTrue(reply.path("ok").asBoolean(), reply.toString());
        assertEquals(0, reply.path("data").path("events").asInt());
        var state = client.await(f -> "sync.state".equals(f.path("type").asText()));
        assertEquals("lost", state.path("rooms").path("chat:x").path("status").asText());
        assertEquals(1, state.path("rooms").path("chat:x").path("seq").asLong());
        assertEquals("not_joined", state.path("rooms").path("chat:secret").path("status").asText());
        assertTrue(client.drain().stream().noneMatch(f -> "sync".equals(f.path("type").asText())));
    }

    @Test
    void syncFromLastEventIdIsExactWhereTheEventIsLoggedAndByTimeElsewhere() throws Exception {
        var client = connect("lia", "ws-s7");
        client.join("chat:a");
        client.join("chat:b");
        String seen = publisher.event("chat.message").toRoom("ws-s7", "chat:a").data(Map.of("n", 1)).send();
        settled(client);
        Thread.sleep(5); // publish times are the anchor in rooms where the event is not logged
        String missedInA = publisher.event("chat.message").toRoom("ws-s7", "chat:a").data(Map.of("n", 2)).send();
        String missedInB = publisher.event("chat.message").toRoom("ws-s7", "chat:b").data(Map.of("n", 3)).send();
        settled(client);

        var reply = client.request("sync.request", Json.object().put("lastEventId", seen));
        assertTrue(reply.path("ok").asBoolean(), reply.toString());
        assertEquals(2, reply.path("data").path("events").asInt());
        var sync = client.await(f -> "sync".equals(f.path("type").asText()));
        var replayed = new java.util.HashSet<String>();
        sync.path("events").forEach(e -> replayed.add(e.path("eventId").asText()));
        assertEquals(java.util.Set.of(missedInA, missedInB), replayed);
        var state = client.await(f -> "sync.state".equals(f.path("type").asText()));
        assertEquals("restored", state.path("rooms").path("chat:a").path("status").asText());
        assertEquals("restored", state.path("rooms").path("chat:b").path("status").asText());
    }

    @Test
    void anUnknownLastEventIdReportsContinuityLostAndMixingQueryKindsIsInvalid() throws Exception {
        var client = connect("max", "ws-s8");
        client.join("chat:c");
        publish("ws-s8", "chat:c", 1);
        settled(client);
        var reply = client.request("sync.request", Json.object().put("lastEventId", "never-published"));
        assertTrue(reply.path("ok").asBoolean(), reply.toString());
        var state = client.await(f -> "sync.state".equals(f.path("type").asText()));
        assertEquals("lost", state.path("rooms").path("chat:c").path("status").asText(), state.toString());

        var mixed = client.request("sync.request", Json.object().put("lastEventId", "x").put("since", Instant.now().toString()));
        assertEquals("invalid_frame", mixed.path("error").path("code").asText());
    }

    @Test
    void syncSinceReplaysTheRoomsOfTheConnectionFromThatTime() throws Exception {
        var client = connect("dee", "ws-s4");
        client.join("chat:y");
        publish("ws-s4", "chat:y", 1);
        settled(client);
        Thread.sleep(5);
        Instant cut = Instant.now();
        Thread.sleep(5);
        publish("ws-s4", "chat:y", 2);
        publish("ws-s4", "chat:y", 3);
        settled(client);
        var reply = client.request("sync.request", Json.object().put("since", cut.toString()));
        assertTrue(reply.path("ok").asBoolean(), reply.toString());
        var sync = client.await(f -> "sync".equals(f.path("type").asText()));
        assertEquals(2, sync.path("events").size());
        var replayed = sync.path("events");
        // Arrival (and so seq) order is not publish order; both were published after the cut.
        assertEquals(java.util.Set.of(2, 3), java.util.Set.of(replayed.get(0).path("data").path("n").asInt(),
                replayed.get(1).path("data").path("n").asInt()));
        assertEquals(List.of(2L, 3L), List.of(replayed.get(0).path("seq").asLong(), replayed.get(1).path("seq").asLong()));
        var state = client.await(f -> "sync.state".equals(f.path("type").asText()));
        assertEquals("restored", state.path("rooms").path("chat:y").path("status").asText());
        assertEquals(3, state.path("rooms").path("chat:y").path("seq").asLong());
        // the connection's automatic rooms are covered too, with nothing to replay
        assertEquals("restored", state.path("rooms").path("user:dee").path("status").asText());
    }

    @Test
    void aLongReplayIsSplitIntoFramesUnder128KbAndBoundedPerRequest() throws Exception {
        var client = connect("eve", "ws-s5");
        client.join("chat:big");
        String text = "x".repeat(1000);
        int total = SyncActions.MAX_EVENTS + 50;
        var batch = new ArrayList<dev.pulse.publish.PublishRequest>();
        for (int i = 0; i < total; i++) {
            batch.add(publisher.event("chat.message").toRoom("ws-s5", "chat:big").data(Map.of("n", i, "text", text)));
        }
        publisher.sendAll(batch);
        settled(client);
        var positions = Json.object();
        positions.putObject("chat:big").put("seq", 0);
        var reply = client.request("sync.request", Json.object().set("positions", positions));
        assertEquals(SyncActions.MAX_EVENTS, reply.path("data").path("events").asInt());
        assertTrue(reply.path("data").path("more").asBoolean());
        var frames = client.drain();
        int syncFrames = 0;
        var seqs = new ArrayList<Long>();
        JsonNode state = null;
        for (var f : frames) {
            if ("sync".equals(f.path("type").asText())) {
                syncFrames++;
                assertTrue(Json.MAPPER.writeValueAsBytes(f).length < 128 * 1024);
                f.path("events").forEach(e -> seqs.add(e.path("seq").asLong()));
            } else if ("sync.state".equals(f.path("type").asText())) {
                state = f;
            }
        }
        assertTrue(syncFrames > 1, "a 1 MB replay needs several messages");
        assertEquals(SyncActions.MAX_EVENTS, seqs.size());
        for (int i = 0; i < seqs.size(); i++) {
            assertEquals(i + 1, seqs.get(i));
        }
        assertEquals("partial", state.path("rooms").path("chat:big").path("status").asText());
        assertEquals(SyncActions.MAX_EVENTS, state.path("rooms").path("chat:big").path("seq").asLong());

        // continue from the position given
        var next = Json.object();
        next.putObject("chat:big").put("seq", SyncActions.MAX_EVENTS).put("epoch", state.path("rooms").path("chat:big").path("epoch").asText());
        var second = client.request("sync.request", Json.object().set("positions", next));
        assertEquals(50, second.path("data").path("events").asInt());
        assertFalse(second.path("data").path("more").asBoolean());
        var rest = client.drain().stream().filter(f -> "sync".equals(f.path("type").asText()))
                .flatMap(f -> { var l = new ArrayList<JsonNode>(); f.path("events").forEach(l::add); return l.stream(); })
                .map(e -> e.path("seq").asLong()).toList();
        assertEquals(50, rest.size());
        assertEquals(SyncActions.MAX_EVENTS + 1, rest.get(0));
        assertEquals(total, rest.get(49));
    }

    @Test
    void aRedeliveredEventKeepsItsSeqAndIsLoggedOnce() throws Exception {
        var client = connect("gus", "ws-s7");
        client.join("chat:r");
        publish("ws-s7", "chat:r", 1);
        var first = client.awaitEvent("chat.message");
        assertTrue(system.awaitDeliveries(Duration.ofSeconds(30)));
        // EventBridge delivers at least once: hand the fan-out the same envelope again, twice.
        var room = new dev.pulse.model.Room("ws-s7", "chat:r");
        var logged = system.services().eventLog().read(room, 0, 10);
        assertEquals(1, logged.size());
        var envelope = new dev.pulse.model.EventEnvelope(logged.get(0).eventId(), "chat.message", "ws-s7",
                new dev.pulse.model.Targets(false, List.of(), List.of("chat:r")), null, logged.get(0).correlationId(),
                logged.get(0).publishedAt(), dev.pulse.protocol.Json.MAPPER.readTree(logged.get(0).dataJson()));
        var retry = system.services().eventDelivery().deliver(envelope, "redelivery-1");
        var again = system.services().eventDelivery().deliver(envelope, "redelivery-2");
        assertEquals("delivered before", retry.skipped());
        assertEquals("delivered before", again.skipped());
        assertEquals(first.path("seq").asLong(), again.positions().get(0).seq());
        assertEquals(List.of(), events(settled(client)), "a completed delivery is not posted again");
        assertEquals(1, system.services().eventLog().read(room, 0, 10).size());
        assertEquals(1, system.services().eventLog().head(room).orElseThrow().seq());
    }

    @Test
    void aConnectionInSeveralTargetRoomsGetsThePositionsOfTheOthersOnItsOneFrame() throws Exception {
        var olga = connect("olga", "ws-s8");
        olga.join("chat:m");
        var pete = connect("pete", "ws-s8");
        pete.join("chat:m");
        publish("ws-s8", "chat:m", 0); // chat:m is at 1 before the multi-room event
        publisher.event("chat.message").toWorkspace("ws-s8").toUsers("ws-s8", "olga").toRoom("ws-s8", "chat:m")
                .data(Map.of("n", 1)).send();
        var olgaFrames = events(settled(olga));
        var petesFrames = events(settled(pete));
        var olgaMulti = olgaFrames.stream().filter(f -> f.path("data").path("n").asInt() == 1).toList();
        var peteMulti = petesFrames.stream().filter(f -> f.path("data").path("n").asInt() == 1).toList();
        assertEquals(1, olgaMulti.size());
        assertEquals(1, peteMulti.size());
        var frame = olgaMulti.get(0);
        assertEquals("workspace:ws-s8", frame.path("room").asText());
        assertEquals(2, frame.path("positions").path("chat:m").path("seq").asLong());
        assertEquals(1, frame.path("positions").path("user:olga").path("seq").asLong());
        // pete is not olga: he learns chat:m's position but nothing of olga's own room
        assertEquals(2, peteMulti.get(0).path("positions").path("chat:m").path("seq").asLong());
        assertFalse(peteMulti.get(0).path("positions").has("user:olga"));
        assertFalse(peteMulti.get(0).path("positions").has("workspace:ws-s8"));
    }

    @Test
    void aMalformedSyncRequestIsAnInvalidFrame() throws Exception {
        var client = connect("fay", "ws-s6");
        var neither = client.request("sync.request", Json.object());
        assertEquals("invalid_frame", neither.path("error").path("code").asText());
        var badSeq = Json.object();
        badSeq.putObject("chat:1").put("seq", 5);
        var missingEpoch = client.request("sync.request", Json.object().set("positions", badSeq));
        assertEquals("invalid_frame", missingEpoch.path("error").path("code").asText());
        var badSince = client.request("sync.request", Json.object().put("since", "yesterday"));
        assertEquals("invalid_frame", badSince.path("error").path("code").asText());
    }
}
