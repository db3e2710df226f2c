package dev.pulse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.model.LoggedEvent;
import dev.pulse.model.Room;
import dev.pulse.protocol.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/**
 * Many publishers at once on the whole local stack (real WebSocket clients, the stock EventBridge client, the local
 * bus invoking the fan-out concurrently, so appends group-commit): per room the seqs every client gets are 1..n with
 * no gap and no repeat, in one epoch, each event once, exactly the log's; an entry put twice (a publisher's retry) is
 * delivered and logged once.
 */
@ExtendWith(SharedLocalSystem.class)
class ConcurrentPublishersEndToEndTest {
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
    void concurrentPublishersKeepEveryRoomsSeqsGapFreeAndEachEventOnce() throws Exception {
        String workspace = "ws-cp-" + UUID.randomUUID().toString().substring(0, 8);
        var rooms = List.of("chat:hot", "chat:a", "chat:b");
        var clientsByRoom = new TreeMap<String, List<TestClient>>();
        for (String room : rooms) {
            for (int c = 0; c < 2; c++) {
                var client = TestClient.connect(system, system.tokens().issue("u-" + room + c, workspace, Duration.ofMinutes(10)));
                clients.add(client);
                client.join(room);
                clientsByRoom.computeIfAbsent(room, r -> new ArrayList<>()).add(client);
            }
        }
        // 8 publishers at once; the hot room gets 3 of every 5 events; one entry is put twice (same event id)
        int publishers = 8;
        int perPublisher = 25;
        var duplicate = UUID.randomUUID().toString();
        var expected = new TreeMap<String, Integer>();
        var start = new CountDownLatch(1);
        EventBridgeClient eventBridge = system.eventBridgeClient();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var futures = new ArrayList<Future<?>>();
            for (int p = 0; p < publishers; p++) {
                var entries = new ArrayList<PutEventsRequestEntry>();
                for (int i = 0; i < perPublisher; i++) {
                    String room = i % 5 < 3 ? "chat:hot" : rooms.get(1 + i % 2);
                    boolean twice = p == 0 && i == 0;
                    entries.add(entry(twice ? duplicate : UUID.randomUUID().toString(), workspace, room, p * 100 + i));
                    expected.merge(room, 1, Integer::sum);
                    if (twice) {
                        entries.add(entry(duplicate, workspace, room, p * 100 + i));
                    }
                }
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int from = 0; from < entries.size(); from += 10) {
                        var batch = entries.subList(from, Math.min(entries.size(), from + 10));
                        var response = eventBridge.putEvents(b -> b.entries(batch));
                        assertEquals(0, response.failedEntryCount());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (var f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
        assertTrue(system.awaitDeliveries(Duration.ofSeconds(90)), "deliveries did not finish");

        for (var entry : clientsByRoom.entrySet()) {
            String room = entry.getKey();
            int n = expected.get(room);
            List<LoggedEvent> logged = system.services().eventLog().read(new Room(workspace, room), 0, 1000);
            assertEquals(LongStream.rangeClosed(1, n).boxed().toList(), logged.stream().map(LoggedEvent::seq).toList(),
                    room + ": the log is gap-free and holds each event once");
            Map<Long, String> loggedIds = logged.stream().collect(Collectors.toMap(LoggedEvent::seq, LoggedEvent::eventId));
            for (var client : entry.getValue()) {
                client.request("ping", null); // everything posted before the ping's reply has arrived
                var events = client.drain().stream().filter(f -> "event".equals(f.path("type").asText())).toList();
                assertEquals(n, events.size(), room + ": each event once");
                assertEquals(n, events.stream().map(e -> e.path("eventId").asText()).collect(Collectors.toSet()).size());
                assertEquals(LongStream.rangeClosed(1, n).boxed().toList(),
                        events.stream().map(e -> e.path("seq").asLong()).sorted().toList(), room + ": gap-free seqs");
                assertEquals(1, events.stream().map(e -> e.path("epoch").asText()).distinct().count(), room + ": one epoch");
                assertEquals(logged.get(0).epoch(), events.get(0).path("epoch").asText());
                for (JsonNode e : events) {
                    assertEquals(loggedIds.get(e.path("seq").asLong()), e.path("eventId").asText(),
                            "a frame's seq is its event's position in the log");
                }
            }
        }
        var hot = new HashSet<String>();
        system.services().eventLog().read(new Room(workspace, "chat:hot"), 0, 1000).forEach(e -> hot.add(e.eventId()));
        assertTrue(hot.contains(duplicate), "the entry put twice was logged (once: the log's seqs are 1..n above)");
    }

    private static PutEventsRequestEntry entry(String eventId, String workspace, String room, int k) {
        var detail = Json.object().put("envelope", "pulse.v1").put("eventId", eventId).put("workspaceId", workspace)
                .put("publishedAt", Instant.now().toString());
        var targets = detail.putObject("targets");
        targets.put("workspace", false);
        targets.putArray("users");
        targets.putArray("rooms").add(room);
        detail.putObject("data").put("k", k);
        return PutEventsRequestEntry.builder().source("com.acme.test").detailType("chat.message").eventBusName("default")
                .detail(detail.toString()).build();
    }
}
