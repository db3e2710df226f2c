package dev.pulse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.protocol.Json;
import dev.pulse.model.Connection;
import dev.pulse.model.PresenceStatus;
import dev.pulse.model.Room;
import dev.pulse.publish.Publisher;
import dev.pulse.store.ConnectionStore;
import dev.pulse.store.PresenceStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole path on real local parts: JWT at $connect, DynamoDB Local, the stock EventBridge SDK publishing
 * to the local bus, the fan-out handler posting through the emulated @connections API to real WebSockets.
 */
@ExtendWith(SharedLocalSystem.class)
class DeliveryEndToEndTest {
    private static LocalSystem system;
    private static Publisher publisher;
    private final List<TestClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() {
        system = SharedLocalSystem.get();
        publisher = new Publisher(system.eventBridgeClient(), "default", "com.acme.approvals");
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

    /** After every fan-out has finished, a ping round trip proves nothing else is on its way to the client. */
    private static List<JsonNode> framesAfterDeliveries(TestClient client) throws Exception {
        assertTrue(system.awaitDeliveries(Duration.ofSeconds(20)), "deliveries did not finish");
        client.request("ping", null);
        return client.drain();
    }

    @Test
    void workspaceEventReachesEveryClientOfThatWorkspaceAndNoneOfAnother() throws Exception {
        var inA = new ArrayList<TestClient>();
        var inB = new ArrayList<TestClient>();
        for (int i = 0; i < 8; i++) {
            inA.add(connect("a" + i, "ws-a"));
            inB.add(connect("b" + i, "ws-b"));
        }
        String eventId = publisher.event("approval.created").toWorkspace("ws-a")
                .correlationId("corr-1").data(Map.of("id", "appr-1", "title", "Budget")).send();

        for (var client : inA) {
            var frame = client.awaitEvent("approval.created");
            assertEquals("workspace:ws-a", frame.path("room").asText());
            assertEquals(eventId, frame.path("eventId").asText());
            assertEquals("corr-1", frame.path("correlationId").asText());
            assertEquals("appr-1", frame.path("data").path("id").asText());
            assertFalse(frame.path("timestamp").asText().isEmpty());
        }
        for (var client : inB) {
            assertEquals(List.of(), framesAfterDeliveries(client), "a client of workspace B received A's event");
        }
    }

    @Test
    void userTargetReachesEveryDeviceOfThatUserOnly() throws Exception {
        var phone = connect("uma", "ws-u");
        var laptop = connect("uma", "ws-u");
        var tablet = connect("uma", "ws-u");
        var colleague = connect("victor", "ws-u");
        var sameIdOtherWorkspace = connect("uma", "ws-other");

        publisher.event("notification.new").toUsers("ws-u", "uma").data(Map.of("text", "hi")).send();

        for (var device : List.of(phone, laptop, tablet)) {
            assertEquals("user:uma", device.awaitEvent("notification.new").path("room").asText());
        }
        assertEquals(List.of(), framesAfterDeliveries(colleague));
        assertEquals(List.of(), framesAfterDeliveries(sameIdOtherWorkspace));
    }

    @Test
    void joinedRoomReceivesRoomEventsUntilLeft() throws Exception {
        var member = connect("mia", "ws-r");
        var outsider = connect("otto", "ws-r");
        var reply = member.join("chat:42");
        assertTrue(reply.path("ok").asBoolean(), reply.toString());
        assertEquals("chat:42", reply.path("data").path("room").asText());

        publisher.event("chat.message").toRoom("ws-r", "chat:42").data(Map.of("text", "first")).send();
        var first = member.awaitEvent("chat.message");
        assertEquals("first", first.path("data").path("text").asText());
        assertEquals("chat:42", first.path("room").asText());
        assertEquals(List.of(), framesAfterDeliveries(outsider));

        assertTrue(member.request("room.leave", dev.pulse.protocol.Json.object().put("room", "chat:42")).path("ok").asBoolean());
        publisher.event("chat.message").toRoom("ws-r", "chat:42").data(Map.of("text", "second")).send();
        assertEquals(List.of(), framesAfterDeliveries(member));
    }

    @Test
    void roomJoinsAreAuthorised() throws Exception {
        var client = connect("nina", "ws-p");
        assertEquals("forbidden", client.join("workspace:ws-other").path("error").path("code").asText());
        assertEquals("forbidden", client.join("user:someone-else").path("error").path("code").asText());
        assertTrue(client.join("user:nina").path("ok").asBoolean());
        client = connect("nina", "ws-p"); // room.join is limited to 5 per minute per connection
        assertTrue(client.join("workspace:ws-p").path("ok").asBoolean());
        assertTrue(client.join("project:apollo").path("ok").asBoolean());
        assertEquals("invalid_room", client.join("no namespace").path("error").path("code").asText());
        assertEquals("invalid_room", client.join("chat:").path("error").path("code").asText());
    }

    @Test
    void exceptSkipsTheSenderOnly() throws Exception {
        var sender = connect("sam", "ws-e");
        var other = connect("tom", "ws-e");
        String senderId = sender.connectionId();

        publisher.event("task.updated").toWorkspace("ws-e").except(senderId).data(Map.of("id", 1)).send();

        assertEquals("task.updated", other.awaitEvent("task.updated").path("event").asText());
        assertEquals(List.of(), framesAfterDeliveries(sender));
    }

    @Test
    void connectionReachedThroughSeveralTargetRoomsGetsTheEventOnce() throws Exception {
        var client = connect("olga", "ws-d");
        client.join("chat:7");
        publisher.event("chat.message").toWorkspace("ws-d").toUsers("ws-d", "olga").toRoom("ws-d", "chat:7")
                .data(Map.of("n", 1)).send();
        assertEquals("workspace:ws-d", client.awaitEvent("chat.message").path("room").asText());
        assertEquals(List.of(), framesAfterDeliveries(client));
    }

    @Test
    void goneConnectionsArePrunedOnDelivery() throws Exception {
        // A $disconnect that never arrived: the records exist but API Gateway no longer knows the connection. Written
        // with the runtime's membership cache, as its $connect would (the fan-out sees the ghost at the next event).
        var store = new ConnectionStore(system.services().dynamo(), LocalSystem.CONNECTIONS_TABLE, Clock.systemUTC(),
                system.services().membersCache());
        var live = connect("luke", "ws-g");
        var watcher = TestClient.connectWithPresence(system, system.tokens().issue("wanda", "ws-g", Duration.ofMinutes(5)));
        clients.add(watcher);
        // Recorded after luke and wanda connected, and
        // minutes old: a younger connection may still be in its $connect, so a 410 does not prune it.
        var ghost = Connection.builder().connectionId("R2hvc3QwMDAwMDE=").userId("ghost").workspaceId("ws-g").connectedAt(Instant.now().minusSeconds(300)).expiresAt(Instant.now().plusSeconds(600)).build();
        store.open(ghost, List.of(Room.user("ws-g", "ghost"), Room.workspace("ws-g")));
        // The ghost is also present in the workspace room, as its $connect would have made it.
        new PresenceStore(system.services().dynamo(), LocalSystem.CONNECTIONS_TABLE, Clock.systemUTC())
                .enter(ghost, Room.workspace("ws-g"), PresenceStatus.ONLINE, Instant.now().plusSeconds(600));
        assertTrue(store.find(ghost.connectionId()).isPresent());

        publisher.event("approval.created").toWorkspace("ws-g").data(Map.of()).send();
        live.awaitEvent("approval.created");
        assertTrue(system.awaitDeliveries(Duration.ofSeconds(20)));
        // Pruning the ghost ends its presence at once (the next window's diff tells those who were told it arrived).
        var listed = watcher.request("presence.list", Json.object().put("room", "workspace:ws-g")).path("data");
        assertEquals(List.of("luke", "wanda"), listed.path("users").findValuesAsText("userId"), listed.toString());

        assertTrue(store.find(ghost.connectionId()).isEmpty(), "the gone connection was not pruned");
        var memberships = system.services().dynamo().query(q -> q.tableName(LocalSystem.CONNECTIONS_TABLE)
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue
                        .fromS("c#" + ghost.connectionId()))));
        assertEquals(0, memberships.count());
    }

    @Test
    void disconnectRemovesTheConnectionAndItsMemberships() throws Exception {
        var client = connect("dora", "ws-x");
        String id = client.connectionId();
        var store = new ConnectionStore(system.services().dynamo(), LocalSystem.CONNECTIONS_TABLE, Clock.systemUTC());
        assertTrue(store.find(id).isPresent());

        client.closeNormally();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (store.find(id).isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(50); // $disconnect is asynchronous, as on API Gateway
        }
        assertTrue(store.find(id).isEmpty(), "connection record still present after $disconnect");
    }

    @Test
    void theSameEventTwiceInOnePutEventsCallIsPostedOnce() throws Exception {
        var client = connect("dup", "ws-dup");
        var envelope = new dev.pulse.model.EventEnvelope("evt-dup-1", "approval.created", "ws-dup",
                new dev.pulse.model.Targets(true, null, null), null, "corr-dup", java.time.Instant.now(),
                dev.pulse.protocol.Json.object().put("id", "appr-dup"));
        var entry = software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry.builder()
                .eventBusName("default").source("com.acme.approvals").detailType(envelope.event())
                .detail(dev.pulse.envelope.EnvelopeCodec.toDetail(envelope)).build();
        try (var events = system.eventBridgeClient()) {
            var response = events.putEvents(r -> r.entries(entry, entry));
            assertEquals(0, response.failedEntryCount());
            assertEquals(2, response.entries().size());
        }
        assertEquals("evt-dup-1", client.awaitEvent("approval.created").path("eventId").asText());
        assertEquals(List.of(), framesAfterDeliveries(client).stream()
                .filter(f -> "event".equals(f.path("type").asText())).toList(), "the duplicate was posted again");
    }
}
