package dev.pulse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.config.Env;
import dev.pulse.protocol.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Presence windows over real sockets: a connect storm reaches each member as a few diffs whose sum is the room's
 * presence.list, and a reconnect within a window is invisible. Its own local system with a 3 s window, so a reconnect
 * (tens of milliseconds) falls in one window even on a loaded machine.
 */
class PresenceDiffEndToEndTest {
    private static final int CLIENTS = 60;
    private static final Duration SETTLE = Duration.ofSeconds(90);
    private static LocalSystem system;
    private final ConcurrentLinkedQueue<TestClient> opened = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void start() {
        system = LocalSystem.start(LocalSettings.ephemeral().withHandlerSetting(Env.PRESENCE_WINDOW_MS, "3000"));
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    @AfterEach
    void closeClients() {
        opened.forEach(TestClient::close);
    }

    private TestClient connect(String user, String workspace) {
        var client = TestClient.connectWithPresence(system, system.tokens().issue(user, workspace, Duration.ofMinutes(10)));
        opened.add(client);
        return client;
    }

    /** A member's view of a room, as a client keeps it: presence.list at connect, then every diff applied. */
    private static final class View {
        final Map<String, String> users = new TreeMap<>();
        int diffs;

        View(JsonNode list) {
            list.path("users").forEach(u -> users.put(u.path("userId").asText(), describe(u)));
        }

        void apply(List<JsonNode> frames) {
            for (var frame : frames) {
                if (!"presence.diff".equals(frame.path("event").asText())) {
                    continue;
                }
                diffs++;
                var data = frame.path("data");
                var seen = new HashSet<String>();
                for (String list : List.of("joins", "updates", "leaves")) {
                    for (var u : data.path(list)) {
                        assertTrue(seen.add(u.path("userId").asText()), "a user twice in one diff: " + data);
                        if (list.equals("leaves")) {
                            users.remove(u.path("userId").asText());
                        } else {
                            users.put(u.path("userId").asText(), describe(u));
                        }
                    }
                }
            }
        }

        static String describe(JsonNode u) {
            return u.path("status").asText() + "/" + u.path("devices").asInt();
        }
    }

    private static JsonNode list(TestClient client, String room) throws InterruptedException {
        var reply = client.request("presence.list", Json.object().put("room", room));
        assertTrue(reply.path("ok").asBoolean(), reply.toString());
        return reply.path("data");
    }

    @Test
    void aConnectStormReachesEachMemberAsAFewDiffsThatAddUpToThePresenceList() throws Exception {
        String ws = "ws-storm";
        String room = "workspace:" + ws;
        var views = new ConcurrentLinkedQueue<Map.Entry<TestClient, View>>();
        try (var pool = Executors.newFixedThreadPool(12)) {
            var connects = new ArrayList<Future<?>>();
            for (int i = 0; i < CLIENTS; i++) {
                String user = "u" + i;
                connects.add(pool.submit(() -> {
                    var client = connect(user, ws);
                    views.add(Map.entry(client, new View(list(client, room))));
                    return null;
                }));
            }
            for (var connect : connects) {
                connect.get();
            }
        }
        // Settled: every member's view (its list at connect plus the diffs since) equals the room's list.
        var anyone = views.peek().getKey();
        long deadline = System.nanoTime() + SETTLE.toNanos();
        Map<String, String> truth;
        List<String> behind;
        do {
            Thread.sleep(500);
            truth = new View(list(anyone, room)).users;
            var expected = truth;
            behind = new ArrayList<>();
            for (var entry : views) {
                entry.getValue().apply(entry.getKey().drain());
                if (!entry.getValue().users.equals(expected)) {
                    behind.add(entry.getValue().users.size() + " users");
                }
            }
        } while ((truth.size() < CLIENTS || !behind.isEmpty()) && System.nanoTime() < deadline);
        assertEquals(CLIENTS, truth.size(), "everyone is listed: " + truth.keySet());
        assertEquals(List.of(), behind, "every member's view equals presence.list");
        for (var entry : views) {
            var view = entry.getValue();
            assertTrue(view.diffs >= 1 || view.users.size() == CLIENTS, "a member heard of the others");
            // Posted per arrival, the first members would get ~" + CLIENTS + " frames each; gathered, one per window.
            assertTrue(view.diffs <= 20, view.diffs + " presence frames for one member");
        }
    }

    @Test
    void aReconnectWithinTheWindowIsNeitherALeaveNorAJoin() throws Exception {
        String ws = "ws-rejoin";
        String room = "workspace:" + ws;
        var watcher = connect("wendy", ws);
        var ann = connect("ann", ws);
        PresenceEndToEndTest.awaitDiff(watcher, room, "joins", "ann");
        assertEquals(2, list(watcher, room).path("onlineCount").asInt());

        ann.closeNormally();
        connect("ann", ws); // the page reloaded: a new connection of the same user at once
        var marc = connect("marc", ws);
        var frames = new ArrayList<JsonNode>();
        frames.add(PresenceEndToEndTest.awaitDiff(watcher, room, "joins", "marc"));
        // Settled once the old socket's $disconnect is done: ann on one device, three users.
        long deadline = System.nanoTime() + SETTLE.toNanos();
        JsonNode listed;
        do {
            listed = list(watcher, room);
            Thread.sleep(100);
        } while (!(listed.path("onlineCount").asInt() == 3
                && PresenceEndToEndTest.entry(listed, "users", "ann").path("devices").asInt() == 1)
                && System.nanoTime() < deadline);
        // A later change: its diff is posted after every earlier window's (one room's flushes follow one another).
        marc.closeNormally();
        frames.add(PresenceEndToEndTest.awaitDiff(watcher, room, "leaves", "marc"));
        frames.addAll(watcher.drain().stream().filter(f -> "presence.diff".equals(f.path("event").asText()))
                .map(f -> f.path("data")).toList());
        var mentions = frames.stream().filter(d -> d.toString().contains("\"ann\"")).toList();
        assertEquals(List.of(), mentions, "the reconnect was invisible to the others");
        var ann2 = PresenceEndToEndTest.entry(list(watcher, room), "users", "ann");
        assertEquals(1, ann2.path("devices").asInt());
    }

    @Test
    void theFlushFunctionTakesSqsBatchesFlushesEachRoomOnceAndDropsWhatIsNotARoom() throws Exception {
        String ws = "ws-sqs";
        String room = "workspace:" + ws;
        var watcher = connect("sue", ws);
        PresenceEndToEndTest.awaitDiff(watcher, room, "joins", "sue");
        // A change recorded behind the window's back (its window is not opened), as if its flush message were on its
        // way: the flush function posts it when SQS hands it the message, twice in one batch or not.
        var bob = dev.pulse.model.Connection.builder().connectionId("Qm9iMDAwMDAwMDE=").userId("bob").workspaceId(ws)
                .connectedAt(java.time.Instant.now()).expiresAt(java.time.Instant.now().plusSeconds(600)).build();
        new dev.pulse.store.PresenceStore(system.services().dynamo(), LocalSystem.CONNECTIONS_TABLE, java.time.Clock.systemUTC())
                .enter(bob, dev.pulse.model.Room.workspace(ws), dev.pulse.model.PresenceStatus.BUSY,
                        java.time.Instant.now().plusSeconds(600));
        String body = "{\"workspaceId\":\"" + ws + "\",\"room\":\"" + room + "\"}";
        String event = "{\"Records\":[{\"messageId\":\"m1\",\"body\":" + Json.MAPPER.writeValueAsString(body)
                + "},{\"messageId\":\"m2\",\"body\":" + Json.MAPPER.writeValueAsString(body)
                + "},{\"messageId\":\"m3\",\"body\":\"not json\"}]}";
        var out = new java.io.ByteArrayOutputStream();
        new dev.pulse.functions.PresenceFlushHandler(system.services()).handleRequest(
                new java.io.ByteArrayInputStream(event.getBytes(java.nio.charset.StandardCharsets.UTF_8)), out,
                new dev.pulse.local.lambda.LocalLambdaContext("pulse-presence-flush", 30_000));
        assertEquals("{\"batchItemFailures\":[]}", out.toString(java.nio.charset.StandardCharsets.UTF_8),
                "nothing to retry: the room flushed, the stray message is dropped");
        var diff = PresenceEndToEndTest.awaitDiff(watcher, room, "joins", "bob");
        assertEquals("busy", PresenceEndToEndTest.entry(diff, "joins", "bob").path("status").asText());
        watcher.request("ping", null);
        var more = watcher.drain().stream().filter(f -> "presence.diff".equals(f.path("event").asText())).toList();
        assertEquals(List.of(), more, "one diff for the room's two messages");
    }
}
