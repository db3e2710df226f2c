package dev.pulse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.functions.FanOutHandler;
import dev.pulse.local.lambda.LocalLambdaContext;
import dev.pulse.model.Room;
import dev.pulse.protocol.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The fan-out function taking an SQS batch (the fan-out queue's event source mapping), on the whole local stack: each
 * message body is an EventBridge event; a batch's events of one room are logged gap-free and reach the room's client
 * once each; a message that cannot be handled is answered in {@code batchItemFailures} and the others are not; a
 * redelivered message (same EventBridge event id) posts nothing again. The shared local system runs with the queue
 * between its bus and the fan-out too, so every other end-to-end test also goes through it.
 */
@ExtendWith(SharedLocalSystem.class)
class FanOutQueueEndToEndTest {
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

    @Test
    void aBatchIsDeliveredOnceEachGapFreeAndOnlyItsBadMessageIsReportedFailed() throws Exception {
        String workspace = "ws-q-" + UUID.randomUUID().toString().substring(0, 8);
        var client = TestClient.connect(system, system.tokens().issue("u1", workspace, Duration.ofMinutes(10)));
        clients.add(client);
        client.join("chat:hot");
        var handler = new FanOutHandler(system.services());

        var records = new ArrayList<JsonNode>();
        var events = new ArrayList<String>();
        for (int i = 0; i < 9; i++) {
            String event = eventBridgeEvent(workspace, "chat:hot", i);
            events.add(event);
            records.add(record("m" + i, event));
        }
        records.add(record("broken", "{not json"));
        var answer = invoke(handler, records);
        assertEquals("[{\"itemIdentifier\":\"broken\"}]", answer.get("batchItemFailures").toString());

        var logged = system.services().eventLog().read(new Room(workspace, "chat:hot"), 0, 100);
        assertEquals(LongStream.rangeClosed(1, 9).boxed().toList(), logged.stream().map(e -> e.seq()).toList());
        client.request("ping", null); // everything posted before the ping's reply has arrived
        var frames = client.drain().stream().filter(f -> "event".equals(f.path("type").asText())).toList();
        assertEquals(9, frames.size());
        assertEquals(LongStream.rangeClosed(1, 9).boxed().toList(),
                frames.stream().map(f -> f.path("seq").asLong()).sorted().toList());

        // SQS delivers at least once: the same messages again post nothing and report nothing failed.
        var again = invoke(handler, records.subList(0, 9));
        assertEquals("[]", again.get("batchItemFailures").toString());
        client.request("ping", null);
        assertEquals(0, client.drain().stream().filter(f -> "event".equals(f.path("type").asText())).count());
        assertEquals(9, system.services().eventLog().read(new Room(workspace, "chat:hot"), 0, 100).size());
    }

    @Test
    void eventsPutOnTheBusReachTheFanOutThroughTheQueue() throws Exception {
        String workspace = "ws-q-" + UUID.randomUUID().toString().substring(0, 8);
        var client = TestClient.connect(system, system.tokens().issue("u1", workspace, Duration.ofMinutes(10)));
        clients.add(client);
        client.join("chat:busy");
        var entries = new ArrayList<software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry>();
        for (int i = 0; i < 30; i++) {
            var detail = Json.MAPPER.readTree(eventBridgeEvent(workspace, "chat:busy", i)).get("detail");
            entries.add(software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry.builder()
                    .source("com.acme.test").detailType("chat.message").eventBusName("default")
                    .detail(detail.toString()).build());
        }
        for (int from = 0; from < entries.size(); from += 10) {
            var batch = entries.subList(from, from + 10);
            assertEquals(0, system.eventBridgeClient().putEvents(b -> b.entries(batch)).failedEntryCount());
        }
        assertTrue(system.awaitDeliveries(Duration.ofSeconds(60)), "deliveries did not finish");
        assertEquals(List.of(), system.queueDeadLetters());
        client.request("ping", null);
        var frames = client.drain().stream().filter(f -> "event".equals(f.path("type").asText())).toList();
        assertEquals(LongStream.rangeClosed(1, 30).boxed().toList(),
                frames.stream().map(f -> f.path("seq").asLong()).sorted().toList(), "each event once, gap-free");
    }

    private static JsonNode invoke(FanOutHandler handler, List<JsonNode> records) throws Exception {
        var event = Json.object();
        var array = event.putArray("Records");
        records.forEach(array::add);
        var out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.toString().getBytes(StandardCharsets.UTF_8)), out,
                new LocalLambdaContext("pulse-fanout", 60_000));
        return Json.MAPPER.readTree(out.toString(StandardCharsets.UTF_8));
    }

    private static JsonNode record(String messageId, String body) {
        var record = Json.object().put("messageId", messageId).put("receiptHandle", messageId).put("body", body)
                .put("eventSource", "aws:sqs").put("eventSourceARN", "arn:aws:sqs:us-east-1:000000000000:pulse-fanout");
        record.putObject("attributes").put("ApproximateReceiveCount", "1");
        return record;
    }

    /** An event as EventBridge hands it to a target: its own id (the same on every redelivery), the detail object. */
    private static String eventBridgeEvent(String workspace, String room, int k) {
        var event = Json.object().put("version", "0").put("id", UUID.randomUUID().toString())
                .put("detail-type", "chat.message").put("source", "com.acme.test").put("account", "000000000000")
                .put("time", Instant.now().toString()).put("region", "us-east-1");
        event.putArray("resources");
        var detail = event.putObject("detail").put("envelope", "pulse.v1").put("eventId", UUID.randomUUID().toString())
                .put("workspaceId", workspace).put("publishedAt", Instant.now().toString());
        var targets = detail.putObject("targets");
        targets.put("workspace", false);
        targets.putArray("users");
        targets.putArray("rooms").add(room);
        detail.putObject("data").put("k", k);
        return event.toString();
    }
}
