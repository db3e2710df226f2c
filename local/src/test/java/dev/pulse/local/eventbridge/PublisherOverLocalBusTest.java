package dev.pulse.local.eventbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.envelope.EnvelopeCodec;
import dev.pulse.envelope.FanOutRule;
import dev.pulse.model.EventEnvelope;
import dev.pulse.publish.PublishException;
import dev.pulse.publish.PublishRequest;
import dev.pulse.publish.Publisher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/** The real Publisher, the stock SDK, the local bus and the fan-out rule, end to end. */
class PublisherOverLocalBusTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final RecordingTarget fanOut = new RecordingTarget();
    private final BusClients.CallCounter calls = new BusClients.CallCounter();
    private LocalEventBus bus;
    private EventBridgeClient client;
    private Publisher publisher;

    @BeforeEach
    void start() {
        bus = LocalEventBus.builder().busName("pulse").rule(FanOutRule.RULE_NAME, FanOutRule.PATTERN, fanOut)
                .build().start();
        client = BusClients.client(bus, calls);
        publisher = new Publisher(client, "pulse", "com.acme.approvals");
    }

    @AfterEach
    void stop() {
        client.close();
        bus.close();
    }

    @Test
    void sentEventReachesTheFanOutRuleAndDecodes() throws Exception {
        PublishRequest request = publisher.event("approval.created")
                .toRoom("w1", "approvals:team-7")
                .toUsers("w1", "u1")
                .except("R0oXAdfD0kwCH6w=")
                .data(Map.of("approvalId", "a-9", "amount", 1200));

        String eventId = request.send();

        JsonNode event = fanOut.next(WAIT);
        assertEquals("approval.created", event.get("detail-type").asText());
        assertEquals("com.acme.approvals", event.get("source").asText());
        EventEnvelope envelope = EnvelopeCodec.fromEventBridgeEvent(event);
        assertEquals(request.envelope(), envelope);
        assertEquals(eventId, envelope.eventId());
        assertEquals("a-9", envelope.data().get("approvalId").asText());
        assertEquals(1, calls.calls.get());
    }

    @Test
    void eventsWithoutTheEnvelopeDoNotReachTheFanOut() throws Exception {
        client.putEvents(r -> r.entries(PutEventsRequestEntry.builder().eventBusName("pulse")
                .source("com.acme.other").detailType("x").detail("{\"envelope\":\"other\"}").build()));
        String id = publisher.event("ok").toWorkspace("w1").send();

        assertTrue(bus.awaitIdle(WAIT));
        List<String> delivered = fanOut.drain();
        assertEquals(1, delivered.size());
        assertEquals(id, EnvelopeCodec.fromEventBridgeEvent(delivered.getFirst()).eventId());
    }

    @Test
    void sendAllBatchesTenPerCall() throws Exception {
        List<PublishRequest> ten = requests(10);
        List<String> ids = publisher.sendAll(ten);
        assertEquals(1, calls.calls.get());
        assertEquals(ten.stream().map(PublishRequest::eventId).toList(), ids);
        assertEquals(new HashSet<>(ids), receivedEventIds(10));

        calls.calls.set(0);
        List<String> more = publisher.sendAll(requests(25));
        assertEquals(3, calls.calls.get(), "25 events need 3 calls of at most 10");
        assertEquals(new HashSet<>(more), receivedEventIds(25));
    }

    @Test
    void sendAllAlsoSplitsBySize() throws Exception {
        String pad = "x".repeat(100_000);
        List<PublishRequest> big = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            big.add(publisher.event("big").toWorkspace("w1").data(Map.of("pad", pad)));
        }
        List<String> ids = publisher.sendAll(big);

        assertEquals(2, calls.calls.get(), "two 100 KB entries fit under 256 KB, a third does not");
        assertEquals(new HashSet<>(ids), receivedEventIds(3));
    }

    @Test
    void rejectedEntryThrowsPublishExceptionWithEventBridgesError() throws Exception {
        Publisher wrongBus = new Publisher(client, "no-such-bus", "com.acme.approvals");

        PublishException e = assertThrows(PublishException.class,
                () -> wrongBus.event("approval.created").toWorkspace("w1").send());
        assertEquals("ResourceNotFoundException", e.errorCode());
        assertEquals("Event bus no-such-bus does not exist.", e.errorMessage());

        // In a batch, the good entries are published and the exception says which were not.
        List<PublishRequest> mixed = List.of(
                publisher.event("a").toWorkspace("w1"),
                wrongBus.event("b").toWorkspace("w1"),
                publisher.event("c").toWorkspace("w1"));
        PublishException partial = assertThrows(PublishException.class, () -> publisher.sendAll(mixed));
        assertEquals(List.of(mixed.get(1).eventId()),
                partial.failures().stream().map(PublishException.Failure::eventId).toList());
        assertEquals(List.of(mixed.get(0).eventId(), mixed.get(2).eventId()), partial.publishedEventIds());
        assertEquals(Set.copyOf(partial.publishedEventIds()), receivedEventIds(2));
    }

    @Test
    void malformedDetailIsAFailedEntry() {
        // Publisher cannot produce a malformed detail, so this is the raw client, as another producer would do.
        PutEventsResponse response = client.putEvents(r -> r.entries(PutEventsRequestEntry.builder()
                .eventBusName("pulse").source("com.acme.legacy").detailType("approval.created")
                .detail("{\"envelope\":\"pulse.v1\",").build()));

        assertEquals(1, response.failedEntryCount());
        assertEquals("MalformedDetail", response.entries().getFirst().errorCode());
    }

    private List<PublishRequest> requests(int n) {
        List<PublishRequest> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(publisher.event("item.changed").toRoom("w1", "list:" + i).data(Map.of("i", i)));
        }
        return list;
    }

    private Set<String> receivedEventIds(int expected) throws Exception {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < expected; i++) {
            ids.add(EnvelopeCodec.fromEventBridgeEvent(fanOut.next(WAIT)).eventId());
        }
        assertTrue(bus.awaitIdle(WAIT));
        assertEquals(List.of(), fanOut.drain(), "no extra deliveries");
        return ids;
    }
}
