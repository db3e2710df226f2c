package dev.pulse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.model.ControlCommand;
import dev.pulse.protocol.Json;
import dev.pulse.publish.Publisher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The app's control commands, sent with the publisher SDK through the local bus, acting on real WebSocket clients:
 * revocation (room.remove), server-side joins (room.join) and closing a user's connections, inside one workspace.
 */
@ExtendWith(SharedLocalSystem.class)
class ControlCommandsEndToEndTest {
    private static LocalSystem system;
    private static Publisher publisher;
    private final List<TestClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() {
        system = SharedLocalSystem.get();
        publisher = new Publisher(system.eventBridgeClient(), "default", "com.acme.admin");
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

    private List<JsonNode> eventsAfterDeliveries(TestClient client) throws Exception {
        assertTrue(system.awaitDeliveries(Duration.ofSeconds(20)));
        client.request("ping", null);
        return client.drain().stream().filter(f -> "event".equals(f.path("type").asText())).toList();
    }

    @Test
    void aRemovedMemberIsToldStopsReceivingAndCannotReplay() throws Exception {
        var phone = connect("ann", "ws-ctl1");
        var laptop = connect("ann", "ws-ctl1");
        var bob = connect("bob", "ws-ctl1");
        for (var client : List.of(phone, laptop, bob)) {
            assertTrue(client.join("chat:c1").path("ok").asBoolean());
        }
        publisher.removeFromRoom("ws-ctl1", "chat:c1", "ann", "left the project");
        for (var device : List.of(phone, laptop)) {
            var removed = device.awaitEvent("room.removed");
            assertEquals("chat:c1", removed.path("room").asText());
            assertEquals("left the project", removed.path("data").path("reason").asText());
        }
        publisher.event("chat.message").toRoom("ws-ctl1", "chat:c1").data(Map.of("text", "after")).send();
        assertEquals("after", bob.awaitEvent("chat.message").path("data").path("text").asText());
        assertEquals(List.of(), eventsAfterDeliveries(phone));
        phone.request("sync.request", Json.MAPPER.readTree("{\"positions\":{\"chat:c1\":{\"seq\":0}}}"));
        var state = phone.await(f -> "sync.state".equals(f.path("type").asText()));
        assertEquals("not_joined", state.path("rooms").path("chat:c1").path("status").asText());
        assertFalse(phone.drain().stream().anyMatch(f -> "sync".equals(f.path("type").asText())), "replayed after removal");
    }

    @Test
    void theAppJoinsEveryConnectionOfAUserToARoom() throws Exception {
        var phone = connect("cy", "ws-ctl2");
        var laptop = connect("cy", "ws-ctl2");
        publisher.joinRoom("ws-ctl2", "project:p-7", "cy");
        for (var device : List.of(phone, laptop)) {
            assertEquals("project:p-7", device.awaitEvent("room.joined").path("data").path("room").asText());
        }
        publisher.event("project.updated").toRoom("ws-ctl2", "project:p-7").data(Map.of("v", 2)).send();
        for (var device : List.of(phone, laptop)) {
            assertEquals(2, device.awaitEvent("project.updated").path("data").path("v").asInt());
        }
    }

    @Test
    void closingAUsersConnectionsLeavesOthersAndOtherWorkspacesAlone() throws Exception {
        var dan = connect("dan", "ws-ctl3");
        var danElsewhere = connect("dan", "ws-ctl4");
        var eve = connect("eve", "ws-ctl3");
        publisher.closeConnections("ws-ctl3", "dan");
        dan.closed.get(20, TimeUnit.SECONDS);
        assertTrue(system.awaitDeliveries(Duration.ofSeconds(20)));
        assertTrue(eve.request("ping", null).path("ok").asBoolean());
        assertTrue(danElsewhere.request("ping", null).path("ok").asBoolean(), "another workspace's dan was closed");
    }

    @Test
    void aConnectionIdOfAnotherWorkspaceMatchesNothing() throws Exception {
        var victim = connect("fay", "ws-ctl5");
        publisher.control(ControlCommand.Kind.CLOSE_CONNECTIONS, "ws-ctl6", null, victim.connectionId(), null, null);
        assertTrue(system.awaitDeliveries(Duration.ofSeconds(20)));
        assertTrue(victim.request("ping", null).path("ok").asBoolean());
        assertFalse(victim.closed.isDone());
    }

    @Test
    void aMalformedCommandIsDeadLetteredNamingTheFieldAndChangesNothing() throws Exception {
        var gus = connect("gus", "ws-ctl7");
        String detail = "{\"envelope\":\"pulse.v1\",\"control\":\"room.remove\",\"eventId\":\"ctl-bad-1\","
                + "\"workspaceId\":\"ws-ctl7\",\"userId\":\"gus\"}";
        try (var events = system.eventBridgeClient()) {
            events.putEvents(r -> r.entries(e -> e.eventBusName("default").source("com.acme.admin")
                    .detailType("pulse.control").detail(detail)));
        }
        assertTrue(system.awaitDeliveries(Duration.ofSeconds(20)));
        var rejected = system.rejectedEvents().stream().filter(r -> "ctl-bad-1".equals(r.correlationId())).toList();
        assertEquals(1, rejected.size(), "not dead-lettered: " + system.rejectedEvents());
        assertTrue(rejected.get(0).message().contains("room"), rejected.get(0).message());
        assertTrue(gus.request("ping", null).path("ok").asBoolean());
    }
}
