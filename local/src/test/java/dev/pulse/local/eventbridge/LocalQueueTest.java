package dev.pulse.local.eventbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.protocol.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The local fan-out queue's semantics, as the event source mapping's: batches of what is waiting (at most the batch
 * size), the SQS event shape, only the messages answered in {@code batchItemFailures} coming back, dead letters after
 * the receive limit. The function here is the test's own consumer, recording what it is handed; the fan-out function
 * itself takes the queue's batches in the end-to-end tests (the shared local system runs with the queue).
 */
class LocalQueueTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void messagesWaitingWhileABatchRunsGoTogetherInTheNextAsAnSqsEvent() throws Exception {
        var release = new CountDownLatch(1);
        var batches = new CopyOnWriteArrayList<JsonNode>();
        try (var queue = new LocalQueue("arn:aws:sqs:us-east-1:000000000000:q", 10, 1, 3, event -> {
            var parsed = Json.MAPPER.readTree(event);
            batches.add(parsed);
            if (batches.size() == 1) {
                assertTrue(release.await(WAIT.toSeconds(), TimeUnit.SECONDS));
            }
            return "{\"batchItemFailures\":[]}";
        })) {
            queue.send("{\"n\":0}"); // the one poller takes it alone and holds on
            for (int i = 1; i <= 12; i++) {
                queue.send("{\"n\":" + i + "}");
            }
            release.countDown();
            assertTrue(queue.awaitIdle(WAIT));
            assertEquals(List.of(1, 10, 2), batches.stream().map(b -> b.get("Records").size()).toList(),
                    "at most 10 per batch; no waiting to fill one");
            var record = batches.get(1).get("Records").get(0);
            assertEquals("aws:sqs", record.get("eventSource").asText());
            assertEquals("{\"n\":1}", record.get("body").asText());
            assertEquals("1", record.at("/attributes/ApproximateReceiveCount").asText());
            assertTrue(!record.get("messageId").asText().isEmpty());
            assertEquals(List.of(), queue.deadLetters());
        }
    }

    @Test
    void onlyTheReportedFailuresComeBackAndAfterTheReceiveLimitTheyAreDeadLettered() throws Exception {
        var receives = new ConcurrentHashMap<String, AtomicInteger>();
        try (var queue = new LocalQueue("arn:aws:sqs:us-east-1:000000000000:q", 10, 2, 3, event -> {
            var failures = Json.object();
            var failed = failures.putArray("batchItemFailures");
            for (var record : Json.MAPPER.readTree(event).get("Records")) {
                String body = record.get("body").asText();
                int count = receives.computeIfAbsent(body, b -> new AtomicInteger()).incrementAndGet();
                // "flaky" fails on its first two receives, "bad" always, "good" never
                if (body.equals("bad") || (body.equals("flaky") && count < 3)) {
                    failed.addObject().put("itemIdentifier", record.get("messageId").asText());
                }
            }
            return failures.toString();
        })) {
            queue.send("good");
            queue.send("flaky");
            queue.send("bad");
            assertTrue(queue.awaitIdle(WAIT));
            assertEquals(Map.of("good", 1, "flaky", 3, "bad", 3), Map.of("good", receives.get("good").get(),
                    "flaky", receives.get("flaky").get(), "bad", receives.get("bad").get()));
            assertEquals(List.of("bad"), queue.deadLetters().stream().map(DeadLetter::eventJson).toList());
            assertEquals(3, queue.deadLetters().get(0).attempts());
        }
    }

    @Test
    void aFunctionThatThrowsFailsTheWholeBatch() throws Exception {
        var calls = new AtomicInteger();
        try (var queue = new LocalQueue("arn:aws:sqs:us-east-1:000000000000:q", 10, 1, 2, event -> {
            calls.incrementAndGet();
            throw new IllegalStateException("the function crashed");
        })) {
            queue.send("a");
            assertTrue(queue.awaitIdle(WAIT));
            assertEquals(2, calls.get());
            assertEquals("the function crashed", queue.deadLetters().get(0).lastError().getMessage());
        }
    }
}
