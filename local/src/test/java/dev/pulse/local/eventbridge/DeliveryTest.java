package dev.pulse.local.eventbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.protocol.Json;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/** Delivery semantics: asynchronous, retried with backoff, dead-lettered after the last attempt. */
class DeliveryTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String PATTERN = "{\"source\":[\"test\"]}";

    private static PutEventsRequestEntry event(String detail) {
        return PutEventsRequestEntry.builder().source("test").detailType("t").detail(detail).build();
    }

    @Test
    void failingTargetIsRetriedUntilItSucceeds() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<String> accepted = new CopyOnWriteArrayList<>();
        EventTarget flaky = json -> {
            if (calls.incrementAndGet() < 3) {
                throw new IllegalStateException("cold start " + calls.get());
            }
            accepted.add(json);
        };
        try (LocalEventBus bus = LocalEventBus.builder().rule("flaky", PATTERN, flaky)
                .maxAttempts(3).retryBaseDelay(Duration.ofMillis(10)).build().start();
             EventBridgeClient client = BusClients.client(bus)) {
            String id = client.putEvents(r -> r.entries(event("{\"n\":1}"))).entries().getFirst().eventId();

            assertTrue(bus.awaitIdle(WAIT));
            assertEquals(3, calls.get());
            assertEquals(1, accepted.size());
            assertEquals(id, Json.MAPPER.readTree(accepted.getFirst()).get("id").asText());
            assertEquals(List.of(), bus.deadLetters());
        }
    }

    @Test
    void alwaysFailingTargetEndsOnTheDeadLetterList() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        EventTarget broken = json -> {
            calls.incrementAndGet();
            throw new IllegalStateException("target down");
        };
        RecordingTarget healthy = new RecordingTarget();
        try (LocalEventBus bus = LocalEventBus.builder()
                .rule("broken", PATTERN, broken)
                .rule("healthy", PATTERN, healthy)
                .maxAttempts(4).retryBaseDelay(Duration.ofMillis(5)).build().start();
             EventBridgeClient client = BusClients.client(bus)) {
            PutEventsResponse response = client.putEvents(r -> r.entries(event("{\"n\":2}")));
            String id = response.entries().getFirst().eventId();

            assertTrue(bus.awaitIdle(WAIT));
            assertEquals(4, calls.get());
            assertEquals(1, bus.deadLetters().size());
            DeadLetter dead = bus.deadLetters().getFirst();
            assertEquals("broken", dead.rule());
            assertEquals(id, dead.eventId());
            assertEquals(4, dead.attempts());
            assertEquals("target down", dead.lastError().getMessage());
            JsonNode event = Json.MAPPER.readTree(dead.eventJson());
            assertEquals(2, event.get("detail").get("n").asInt());
            // The other rule's target is unaffected.
            assertEquals(id, healthy.next(WAIT).get("id").asText());
        }
    }

    @Test
    void singleAttemptMeansNoRetry() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (LocalEventBus bus = LocalEventBus.builder()
                .rule("once", PATTERN, json -> {
                    calls.incrementAndGet();
                    throw new Exception("no");
                })
                .maxAttempts(1).build().start();
             EventBridgeClient client = BusClients.client(bus)) {
            client.putEvents(r -> r.entries(event("{}")));

            assertTrue(bus.awaitIdle(WAIT));
            assertEquals(1, calls.get());
            assertEquals(1, bus.deadLetters().getFirst().attempts());
        }
    }

    @Test
    void putEventsDoesNotWaitForTargets() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        EventTarget blocking = json -> {
            entered.countDown();
            release.await();
        };
        try (LocalEventBus bus = LocalEventBus.builder().rule("slow", PATTERN, blocking).build().start();
             EventBridgeClient client = BusClients.client(bus)) {
            // If delivery were synchronous this call would never return: the target waits for us.
            PutEventsResponse response = assertTimeoutPreemptively(WAIT,
                    () -> client.putEvents(r -> r.entries(event("{}"))));
            assertEquals(0, response.failedEntryCount());

            assertTrue(entered.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "the target was invoked");
            assertFalse(bus.awaitIdle(Duration.ofMillis(50)), "delivery is still in progress");
            release.countDown();
            assertTrue(bus.awaitIdle(WAIT));
            assertEquals(List.of(), bus.deadLetters());
        }
    }

    @Test
    void aBlockedDeliveryDoesNotHoldUpOtherEvents() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        RecordingTarget fast = new RecordingTarget();
        EventTarget target = json -> {
            if (json.contains("\"block\":true")) {
                release.await();
            }
            fast.invoke(json);
        };
        try (LocalEventBus bus = LocalEventBus.builder().rule("mixed", PATTERN, target).build().start();
             EventBridgeClient client = BusClients.client(bus)) {
            assertTimeoutPreemptively(WAIT, () -> {
                client.putEvents(r -> r.entries(event("{\"block\":true}")));
                client.putEvents(r -> r.entries(event("{\"block\":false}")));
            });

            // The second event overtakes the first: no ordering across events.
            assertFalse(fast.next(WAIT).get("detail").get("block").asBoolean());
            release.countDown();
            assertTrue(fast.next(WAIT).get("detail").get("block").asBoolean());
            assertTrue(bus.awaitIdle(WAIT));
        }
    }
}
