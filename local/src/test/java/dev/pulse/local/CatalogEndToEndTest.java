package dev.pulse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulse.catalog.EventCatalog;
import dev.pulse.catalog.InvalidEventException;
import dev.pulse.catalog.Rejection;
import dev.pulse.protocol.Json;
import dev.pulse.publish.Publisher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/**
 * The HYVVE catalog on the whole local system: raw domain events put on the bus with the stock EventBridge client
 * (no envelope, as HYVVE's Event Bus services emit them) reach the right clients by the catalog's routes; invalid or
 * undeclared ones reach no client and land on the dead-letter path; envelopes are validated too.
 */
class CatalogEndToEndTest {
    private static LocalSystem system;
    private static EventBridgeClient events;
    private static EventCatalog hyvve;
    private final List<TestClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() {
        system = LocalSystem.start(LocalSettings.ephemeral().withHandlerSetting("PULSE_CATALOG", "hyvve"));
        events = system.eventBridgeClient();
        hyvve = EventCatalog.load("hyvve");
    }

    @AfterAll
    static void stop() {
        events.close();
        system.close();
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

    private static ObjectNode example(String event) {
        return (ObjectNode) hyvve.event(event).orElseThrow().examples().getFirst().deepCopy();
    }

    /** PutEvents of one raw domain event; returns EventBridge's event id. */
    private static String put(String detailType, JsonNode detail) {
        var response = events.putEvents(r -> r.entries(PutEventsRequestEntry.builder()
                .source("com.hyvve.api").detailType(detailType).eventBusName("default").detail(detail.toString()).build()));
        assertEquals(0, response.failedEntryCount(), response.toString());
        return response.entries().getFirst().eventId();
    }

    /** After every fan-out has finished, a ping round trip proves nothing else is on its way to the client. */
    private static List<JsonNode> framesAfterDeliveries(TestClient client) throws Exception {
        assertTrue(system.awaitDeliveries(Duration.ofSeconds(20)), "deliveries did not finish");
        client.request("ping", null);
        return client.drain();
    }

    private static Rejection rejectionOf(String eventId) throws Exception {
        assertTrue(system.awaitDeliveries(Duration.ofSeconds(20)));
        return system.rejectedEvents().stream().filter(r -> r.eventId().equals(eventId)).findFirst()
                .orElseThrow(() -> new AssertionError("event " + eventId + " not dead-lettered: " + system.rejectedEvents()));
    }

    @Test
    void aRawDomainEventReachesTheWorkspaceByRouteWithTheEventBridgeIdAsEventId() throws Exception {
        var alice = connect("alice", "ws-route");
        var bob = connect("bob", "ws-route");
        var outsider = connect("carol", "ws-other");
        ObjectNode approval = example("approval.created").put("workspaceId", "ws-route");

        String eventId = put("approval.created", approval);

        for (var client : List.of(alice, bob)) {
            JsonNode frame = client.awaitEvent("approval.created");
            assertEquals("workspace:ws-route", frame.path("room").asText());
            assertEquals(eventId, frame.path("eventId").asText());
            assertEquals("req-8f2a", frame.path("correlationId").asText());
            assertEquals(approval, frame.path("data"));
        }
        assertEquals(List.of(), framesAfterDeliveries(outsider));
    }

    @Test
    void notificationsReachTheirUserAndChatMessagesTheirRoomOnly() throws Exception {
        var maya = connect("maya", "ws-rooms");
        var sam = connect("sam", "ws-rooms");
        assertTrue(sam.join("chat:chat-9").path("ok").asBoolean());

        put("notification.new", example("notification.new").put("workspaceId", "ws-rooms").put("userId", "maya"));
        put("chat.message", example("chat.message").put("workspaceId", "ws-rooms").put("chatId", "chat-9"));

        assertEquals("user:maya", maya.awaitEvent("notification.new").path("room").asText());
        assertEquals("chat:chat-9", sam.awaitEvent("chat.message").path("room").asText());
        assertEquals(List.of(), framesAfterDeliveries(maya));
        assertEquals(List.of(), framesAfterDeliveries(sam));
    }

    @Test
    void anInvalidDomainEventReachesNoClientAndIsDeadLetteredWithItsPathAndCorrelationId() throws Exception {
        var alice = connect("alice", "ws-invalid");
        ObjectNode approval = example("approval.created").put("workspaceId", "ws-invalid").put("status", "maybe")
                .put("correlationId", "req-bad-1");

        String eventId = put("approval.created", approval);

        Rejection rejection = rejectionOf(eventId);
        assertEquals(Rejection.Reason.INVALID_PAYLOAD, rejection.reason());
        assertEquals("$.status", rejection.violations().getFirst().path());
        assertEquals("req-bad-1", rejection.correlationId());
        assertEquals(approval, rejection.event().path("detail"));
        assertEquals(List.of(), framesAfterDeliveries(alice));
        // Refused, not failed: the bus's own dead letters (failed deliveries) stay empty.
        assertEquals(List.of(), system.eventBus().deadLetters());
        assertEquals(List.of(), system.queueDeadLetters());
    }

    @Test
    void anUndeclaredEventOfARoutedPrefixIsRefusedByTheStrictCatalog() throws Exception {
        var alice = connect("alice", "ws-unknown");
        String eventId = put("approval.archived", Json.object().put("id", "a1").put("workspaceId", "ws-unknown"));
        assertEquals(Rejection.Reason.UNKNOWN_EVENT, rejectionOf(eventId).reason());
        assertEquals(List.of(), framesAfterDeliveries(alice));
    }

    @Test
    void envelopesStillUseTheirTargetsAndAreValidatedAgainstTheCatalog() throws Exception {
        var dana = connect("dana", "ws-env");
        var publisher = new Publisher(events, "default", "com.hyvve.api").withCatalog(hyvve);
        ObjectNode message = example("chat.message").put("workspaceId", "ws-env");

        String eventId = publisher.event("chat.message").toUsers("ws-env", "dana").data(message).send();
        JsonNode frame = dana.awaitEvent("chat.message");
        assertEquals("user:dana", frame.path("room").asText());
        assertEquals(eventId, frame.path("eventId").asText());

        // The publisher refuses an invalid payload before sending ...
        var invalid = example("chat.message").put("content", 42);
        var refused = assertThrows(InvalidEventException.class,
                () -> publisher.event("chat.message").toUsers("ws-env", "dana").data(invalid).send());
        assertEquals("event chat.message: $.content: integer found, string expected", refused.getMessage());

        // ... and one published without the check (another language, an old SDK) is refused by the fan-out.
        String unchecked = new Publisher(events, "default", "com.hyvve.api").event("chat.message")
                .toUsers("ws-env", "dana").correlationId("corr-unchecked").data(invalid).send();
        assertTrue(system.awaitDeliveries(Duration.ofSeconds(20)));
        Rejection rejection = system.rejectedEvents().stream()
                .filter(r -> r.event().path("detail").path("eventId").asText().equals(unchecked)).findFirst().orElseThrow();
        assertEquals(Rejection.Reason.INVALID_PAYLOAD, rejection.reason());
        assertEquals("corr-unchecked", rejection.correlationId());
        assertEquals(List.of(), framesAfterDeliveries(dana));
    }

    @Test
    void eventsNoRouteTakesNeverReachTheFanOut() throws Exception {
        var alice = connect("alice", "ws-none");
        int before = system.rejectedEvents().size();
        put("invoice.paid", Json.object().put("workspaceId", "ws-none"));
        assertEquals(List.of(), framesAfterDeliveries(alice));
        assertEquals(before, system.rejectedEvents().size(), "the routing rule matched an event no route takes");
    }
}
