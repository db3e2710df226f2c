package dev.pulse.local.eventbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.protocol.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/** PutEvents through the stock SDK client: acceptance, per-entry and whole-request errors, matching. */
class LocalEventBusTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Instant NOW = Instant.parse("2026-04-05T06:07:08.999Z");

    private final RecordingTarget orders = new RecordingTarget();
    private LocalEventBus bus;
    private EventBridgeClient client;

    @BeforeEach
    void start() {
        bus = LocalEventBus.builder()
                .busName("pulse")
                .region("eu-central-1")
                .clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .rule("orders", "{\"source\":[\"com.acme.orders\"],\"detail\":{\"total\":[{\"numeric\":[\">\",100]}]}}",
                        orders)
                .build()
                .start();
        client = BusClients.client(bus);
    }

    @AfterEach
    void stop() {
        client.close();
        bus.close();
    }

    private static PutEventsRequestEntry.Builder entry() {
        return PutEventsRequestEntry.builder()
                .source("com.acme.orders")
                .detailType("order.placed")
                .eventBusName("pulse")
                .detail("{\"orderId\":\"o-1\",\"total\":250,\"lines\":[{\"sku\":\"A\"}]}");
    }

    @Test
    void acceptedEntryIsDeliveredInEventBridgeShape() throws Exception {
        PutEventsResponse response = client.putEvents(r -> r.entries(entry().resources("arn:aws:s3:::bucket").build()));

        assertEquals(0, response.failedEntryCount());
        String eventId = response.entries().getFirst().eventId();
        assertNotNull(eventId);
        JsonNode event = orders.next(WAIT);
        assertEquals(List.of("version", "id", "detail-type", "source", "account", "time", "region", "resources",
                "detail"), fieldNames(event));
        assertEquals("0", event.get("version").asText());
        assertEquals(eventId, event.get("id").asText());
        assertEquals("order.placed", event.get("detail-type").asText());
        assertEquals("com.acme.orders", event.get("source").asText());
        assertEquals("000000000000", event.get("account").asText());
        assertEquals("2026-04-05T06:07:08Z", event.get("time").asText());
        assertEquals("eu-central-1", event.get("region").asText());
        assertEquals(Json.MAPPER.readTree("[\"arn:aws:s3:::bucket\"]"), event.get("resources"));
        assertTrue(event.get("detail").isObject(), "detail is delivered parsed, not as a string");
        assertEquals(Json.MAPPER.readTree("{\"orderId\":\"o-1\",\"total\":250,\"lines\":[{\"sku\":\"A\"}]}"),
                event.get("detail"));
    }

    @Test
    void explicitTimeIsDeliveredToTheSecond() throws Exception {
        client.putEvents(r -> r.entries(entry().time(Instant.parse("2025-12-31T23:59:58.750Z")).build()));

        assertEquals("2025-12-31T23:59:58Z", orders.next(WAIT).get("time").asText());
    }

    @Test
    void onlyMatchingEventsAreDelivered() throws Exception {
        PutEventsResponse response = client.putEvents(r -> r.entries(
                entry().source("com.acme.billing").build(),
                entry().detail("{\"total\":99}").build(),
                entry().detail("{\"total\":101,\"n\":\"match\"}").build()));

        assertEquals(0, response.failedEntryCount(), "non-matching events are accepted, just not delivered");
        assertTrue(bus.awaitIdle(WAIT));
        List<String> delivered = orders.drain();
        assertEquals(1, delivered.size(), delivered.toString());
        assertEquals("match", Json.MAPPER.readTree(delivered.getFirst()).get("detail").get("n").asText());
        assertEquals(response.entries().get(2).eventId(), Json.MAPPER.readTree(delivered.getFirst()).get("id").asText());
    }

    @Test
    void eachMatchingRuleGetsItsOwnDelivery() throws Exception {
        RecordingTarget first = new RecordingTarget();
        RecordingTarget second = new RecordingTarget();
        try (LocalEventBus twoRules = LocalEventBus.builder()
                .rule("a", "{\"detail-type\":[\"x\"]}", first)
                .rule("b", "{\"detail\":{\"k\":[{\"prefix\":\"v\"}]}}", second)
                .build().start();
             EventBridgeClient c = BusClients.client(twoRules)) {
            String id = c.putEvents(r -> r.entries(PutEventsRequestEntry.builder()
                    .source("s").detailType("x").detail("{\"k\":\"value\"}").build())).entries().getFirst().eventId();

            assertEquals(id, first.next(WAIT).get("id").asText());
            assertEquals(id, second.next(WAIT).get("id").asText());
        }
    }

    @Test
    void badEntriesFailAloneWithEventBridgeErrorCodes() throws Exception {
        PutEventsResponse response = client.putEvents(r -> r.entries(
                entry().detail("{\"total\":500}").build(),
                entry().detail("not json").build(),
                entry().detail("[1,2]").build(),
                entry().detail("{}trailing").build(),
                entry().source(null).build(),
                entry().detailType(null).build(),
                entry().detail(null).build(),
                entry().eventBusName("no-such-bus").build(),
                entry().source("aws.ec2").build(),
                entry().eventBusName(bus.eventBusArn()).detail("{\"total\":600}").build()));

        assertEquals(8, response.failedEntryCount());
        List<PutEventsResultEntry> results = response.entries();
        assertNotNull(results.get(0).eventId());
        assertNull(results.get(0).errorCode());
        assertError(results.get(1), "MalformedDetail", "Detail is malformed.");
        assertError(results.get(2), "MalformedDetail", "Detail is malformed.");
        assertError(results.get(3), "MalformedDetail", "Detail is malformed.");
        assertError(results.get(4), "InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument.");
        assertError(results.get(5), "InvalidArgument",
                "Parameter DetailType is not valid. Reason: DetailType is a required argument.");
        assertError(results.get(6), "InvalidArgument", "Parameter Detail is not valid. Reason: Detail is a required argument.");
        assertError(results.get(7), "ResourceNotFoundException", "Event bus no-such-bus does not exist.");
        assertError(results.get(8), "NotAuthorizedForSourceException", "Not authorized for the source.");
        assertNotNull(results.get(9).eventId(), "the bus ARN names the bus too");

        assertTrue(bus.awaitIdle(WAIT));
        List<String> delivered = orders.drain();
        assertEquals(2, delivered.size());
        List<String> ids = new ArrayList<>();
        for (String json : delivered) {
            ids.add(Json.MAPPER.readTree(json).get("id").asText());
        }
        assertTrue(ids.containsAll(List.of(results.get(0).eventId(), results.get(9).eventId())), ids.toString());
    }

    @Test
    void entriesWithoutABusGoToTheDefaultBus() throws Exception {
        try (LocalEventBus defaultBus = LocalEventBus.builder().rule("all", "{\"source\":[\"s\"]}", orders).build().start();
             EventBridgeClient c = BusClients.client(defaultBus)) {
            PutEventsResponse response = c.putEvents(r -> r.entries(PutEventsRequestEntry.builder()
                    .source("s").detailType("t").detail("{}").build()));
            assertEquals(0, response.failedEntryCount());
            assertEquals("us-east-1", orders.next(WAIT).get("region").asText());
        }
        // The "pulse" bus of this test refuses them.
        PutEventsResponse refused = client.putEvents(r -> r.entries(entry().eventBusName(null).build()));
        assertError(refused.entries().getFirst(), "ResourceNotFoundException", "Event bus default does not exist.");
    }

    @Test
    void tenEntriesAreAcceptedElevenFailTheWholeCall() throws Exception {
        List<PutEventsRequestEntry> ten = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ten.add(entry().detail("{\"total\":" + (200 + i) + "}").build());
        }
        PutEventsResponse response = client.putEvents(r -> r.entries(ten));
        assertEquals(0, response.failedEntryCount());
        assertEquals(10, response.entries().size());

        List<PutEventsRequestEntry> eleven = new ArrayList<>(ten);
        eleven.add(entry().build());
        EventBridgeException e = assertThrows(EventBridgeException.class, () -> client.putEvents(r -> r.entries(eleven)));
        assertEquals(400, e.statusCode());
        assertEquals("ValidationException", e.awsErrorDetails().errorCode());
        assertTrue(e.awsErrorDetails().errorMessage().contains("less than or equal to 10"));

        EventBridgeException none = assertThrows(EventBridgeException.class, () -> client.putEvents(r -> r.entries(List.of())));
        assertEquals("ValidationException", none.awsErrorDetails().errorCode());

        assertTrue(bus.awaitIdle(WAIT));
        assertEquals(10, orders.drain().size(), "nothing of the refused call was delivered");
    }

    @Test
    void requestsOverTheSizeLimitFailTheWholeCall() throws Exception {
        String big = "{\"total\":300,\"pad\":\"" + "x".repeat(140_000) + "\"}";
        assertEquals(0, client.putEvents(r -> r.entries(entry().detail(big).build())).failedEntryCount());

        EventBridgeException e = assertThrows(EventBridgeException.class,
                () -> client.putEvents(r -> r.entries(entry().detail(big).build(), entry().detail(big).build())));
        assertEquals("ValidationException", e.awsErrorDetails().errorCode());
        assertEquals("Total size of the entries in the request is over the limit.", e.awsErrorDetails().errorMessage());
    }

    @Test
    void otherOperationsAreUnknown() {
        EventBridgeException e = assertThrows(EventBridgeException.class, () -> client.listRules(r -> r.limit(1)));
        assertEquals(400, e.statusCode());
        assertEquals("UnknownOperationException", e.awsErrorDetails().errorCode());
    }

    @Test
    void invalidRulesAreRefusedWhenBuilding() {
        assertThrows(IllegalArgumentException.class, () -> LocalEventBus.builder().rule("r", "{not json", orders).build());
        assertThrows(IllegalArgumentException.class, () -> LocalEventBus.builder().rule("r", "{}", orders));
        assertThrows(IllegalArgumentException.class, () -> LocalEventBus.builder().rule("r", "{\"source\":\"x\"}", orders));
        assertThrows(IllegalArgumentException.class,
                () -> LocalEventBus.builder().rule("r", "{\"source\":[{\"nope\":1}]}", orders));
        assertThrows(IllegalArgumentException.class, () -> LocalEventBus.builder().rule("r", "{\"source\":[\"x\"]}", null));
        assertThrows(IllegalArgumentException.class, () -> LocalEventBus.builder()
                .rule("r", "{\"source\":[\"x\"]}", orders).rule("r", "{\"source\":[\"y\"]}", orders));
        assertThrows(IllegalArgumentException.class, () -> LocalEventBus.builder().maxAttempts(0));
    }

    private static void assertError(PutEventsResultEntry result, String code, String message) {
        assertNull(result.eventId());
        assertEquals(code, result.errorCode());
        assertEquals(message, result.errorMessage());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
