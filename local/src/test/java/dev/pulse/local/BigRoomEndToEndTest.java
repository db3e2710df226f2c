package dev.pulse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.config.Env;
import dev.pulse.publish.Publisher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Big rooms end to end (docs/SCALING.md): real WebSocket clients, the stock EventBridge client, the fan-out handler
 * splitting the room into shards and the real shard worker handler posting them from the local shard queue's workers.
 * The room is made "big" with small settings (more than 20 members; shards of 25, a checkpoint every 10 posts) so 60
 * clients give three shards: 25, 25 and 10 connections.
 *
 * <p>The faults come from the local shard queue's test-only fault switches (nothing in the local runtime sets them): a
 * worker invocation killed at a checkpoint (after its posts, before its progress is recorded: a Lambda crashing or
 * timing out there) and every shard delivered twice (SQS delivers at least once). A real process crash cannot be
 * produced inside one JVM otherwise.
 */
class BigRoomEndToEndTest {
    private static final int CLIENTS = 60;
    private static final int SHARD_SIZE = 25;
    private static final int CHECKPOINT = 10;
    private static final String WORKSPACE = "big-room";

    private static LocalSystem system;
    private static Publisher publisher;
    private static final List<TestClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() {
        system = LocalSystem.start(LocalSettings.ephemeral()
                .withHandlerSetting(Env.BIG_ROOM_THRESHOLD, "20")
                .withHandlerSetting(Env.SHARD_SIZE, Integer.toString(SHARD_SIZE))
                .withHandlerSetting(Env.SHARD_CHECKPOINT, Integer.toString(CHECKPOINT))
                .withHandlerSetting(LocalSettings.SHARD_WORKERS, "3")
                .withHandlerSetting(Env.PRESENCE_NAMESPACES, ""));
        publisher = new Publisher(system.eventBridgeClient(), "default", "com.acme.broadcasts");
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(TestClient.connect(system, system.tokens().issue("u" + i, WORKSPACE, Duration.ofMinutes(10))));
        }
    }

    @AfterAll
    static void stop() {
        clients.forEach(TestClient::close);
        system.close();
    }

    @AfterEach
    void switchFaultsOff() {
        system.shardQueue().killWorkerAtCheckpoint(-1);
        system.shardQueue().deliverEachShardTwice(false);
    }

    @Test
    void aBigRoomIsDeliveredThroughShardsOncePerClient() throws Exception {
        int invocationsBefore = system.shardQueue().invocations();
        String eventId = publish("announcement.posted");

        var copies = copiesPerClient(eventId, "announcement.posted");
        copies.forEach(n -> assertEquals(1, n, "copies per client: " + copies));
        // Three shards (25 + 25 + 10), each one worker invocation: the fan-out posted none itself.
        assertEquals(3, system.shardQueue().invocations() - invocationsBefore);
        assertTrue(system.shardQueue().deadLetters().isEmpty());
    }

    @Test
    void aWorkerKilledMidShardIsRetriedFromItsCheckpointAndEveryClientGetsTheEventOnceAfterDedupe() throws Exception {
        int killsBefore = system.shardQueue().kills();
        system.shardQueue().killWorkerAtCheckpoint(2 * CHECKPOINT);
        String eventId = publish("announcement.killed");

        var frames = framesPerClient(eventId, "announcement.killed");
        var copies = frames.stream().map(List::size).toList();
        assertEquals(killsBefore + 1, system.shardQueue().kills(), "the fault switch fired once");
        // Everyone got it; the only repeats are the posts the killed worker made after its last recorded checkpoint
        // (members 10-19 of its shard), which its retry made again: one checkpoint's worth, never more.
        assertTrue(copies.stream().allMatch(n -> n >= 1), "every client got the event: " + copies);
        assertEquals(CHECKPOINT, copies.stream().filter(n -> n == 2).count(), "repeats: " + copies);
        assertEquals(0, copies.stream().filter(n -> n > 2).count(), "repeats: " + copies);
        assertTrue(system.shardQueue().deadLetters().isEmpty());
        // What a client hands its app after dropping repeats by eventId (PROTOCOL §6.1, as clients/web's SeenIds does):
        // exactly one event each.
        for (var got : frames) {
            assertEquals(List.of(eventId), List.copyOf(new java.util.LinkedHashSet<>(got)));
        }
    }

    @Test
    void shardsDeliveredTwicePostNothingTwice() throws Exception {
        int invocationsBefore = system.shardQueue().invocations();
        system.shardQueue().deliverEachShardTwice(true);
        String eventId = publish("announcement.twice");

        var copies = copiesPerClient(eventId, "announcement.twice");
        copies.forEach(n -> assertEquals(1, n, "copies per client: " + copies));
        // Each copy was received (a copy arriving while its twin was posting is deferred, and received again later).
        assertTrue(system.shardQueue().invocations() - invocationsBefore >= 6, "every shard was received twice");
        assertTrue(system.shardQueue().deadLetters().isEmpty());
    }

    @Test
    void aRoomAtOrBelowTheThresholdKeepsTheSingleInvocationPath() throws Exception {
        var few = new ArrayList<TestClient>();
        try {
            for (int i = 0; i < 20; i++) {
                few.add(TestClient.connect(system, system.tokens().issue("s" + i, "small-room", Duration.ofMinutes(10))));
            }
            int invocationsBefore = system.shardQueue().invocations();
            String eventId = publisher.event("announcement.small").toWorkspace("small-room").data(Map.of("n", 1)).send();
            assertTrue(system.awaitDeliveries(Duration.ofSeconds(30)));
            for (var client : few) {
                assertEquals(eventId, client.awaitEvent("announcement.small").path("eventId").asText());
            }
            assertEquals(invocationsBefore, system.shardQueue().invocations(), "no shard for a room of 20");
        } finally {
            few.forEach(TestClient::close);
        }
    }

    @Test
    void anUnreadableShardMessageIsReportedAsFailedSoTheQueueRetriesThenDeadLettersIt() {
        var handler = new dev.pulse.functions.ShardWorkerHandler(system.services());
        var bad = new com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage();
        bad.setMessageId("m-bad");
        bad.setBody("{\"shard\":1,\"rooms\":[]}");
        var notJson = new com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage();
        notJson.setMessageId("m-text");
        notJson.setBody("not json");
        var event = new com.amazonaws.services.lambda.runtime.events.SQSEvent();
        event.setRecords(List.of(bad, notJson));
        var response = handler.handleRequest(event, null);
        assertEquals(List.of("m-bad", "m-text"),
                response.getBatchItemFailures().stream().map(f -> f.getItemIdentifier()).toList());
    }

    private static String publish(String event) throws InterruptedException {
        String eventId = publisher.event(event).toWorkspace(WORKSPACE).data(Map.of("text", "hello")).send();
        assertTrue(system.awaitDeliveries(Duration.ofSeconds(60)), "fan-out and shards finished");
        return eventId;
    }

    /**
     * How many frames of the event each client got: the first awaited (bounded), then a request's reply as a fence: it is
     * posted after every post of the event was answered (the deliveries are over), on the same socket, so any repeat
     * arrived before it.
     */
    private static List<Integer> copiesPerClient(String eventId, String event) throws InterruptedException {
        return framesPerClient(eventId, event).stream().map(List::size).toList();
    }

    /** The eventIds of the frames of the event each client got, repeats included. */
    private static List<List<String>> framesPerClient(String eventId, String event) throws InterruptedException {
        var perClient = new ArrayList<List<String>>();
        var ids = new HashSet<String>();
        for (var client : clients) {
            JsonNode first = client.awaitEvent(event);
            assertEquals(eventId, first.path("eventId").asText());
            ids.add(client.connectionId());
            var got = new ArrayList<>(List.of(first.path("eventId").asText()));
            for (JsonNode frame : client.drain()) {
                if ("event".equals(frame.path("type").asText()) && event.equals(frame.path("event").asText())) {
                    got.add(frame.path("eventId").asText());
                }
            }
            perClient.add(got);
        }
        assertEquals(CLIENTS, ids.size());
        return perClient;
    }
}
