package dev.pulse.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulse.protocol.Json;
import dev.pulse.store.DeliveryMarks;
import dev.pulse.store.EventLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SQS event source batch ({@code Records}, each with a {@code messageId} and a {@code body}) as the fan-out queue
 * delivers it: each body is one EventBridge event (what the rule's SQS target puts on the queue). The records are
 * handled at once, each on its own virtual thread, their appends to the log gathered into the same commits
 * ({@link EventLog#gate}), and the answer is the partial-batch response Lambda reads with
 * {@code ReportBatchItemFailures}: the message ids that failed, which alone return to the queue (and after the queue's
 * receive limit go to its dead-letter queue); the others are deleted. A redelivered message carries the same
 * EventBridge event id, so the fan-out treats it as a retry of its first attempt (idempotent, DeliveryMarks). The
 * records' completed deliveries are marked together, one write when the batch ends ({@link DeliveryMarks.Batch}).
 */
record SqsBatch(List<Message> messages) {
    private static final Logger LOG = LoggerFactory.getLogger(SqsBatch.class);
    /**
     * How long a batch's records may hold the log's commits while the others reach their appends: parsing and
     * admitting an event takes well under a millisecond warm, so this bounds only a stalled record.
     */
    static final Duration GATHER = Duration.ofMillis(50);

    record Message(String messageId, String body) {
    }

    /** The batch, if this invocation's event is one (an object whose {@code Records} come from {@code aws:sqs}). */
    static Optional<SqsBatch> of(JsonNode event) {
        var records = event == null ? null : event.get("Records");
        if (records == null || !records.isArray() || records.isEmpty()
                || !"aws:sqs".equals(records.get(0).path("eventSource").asText())) {
            return Optional.empty();
        }
        var messages = new ArrayList<Message>(records.size());
        for (var record : records) {
            messages.add(new Message(record.path("messageId").asText(), record.path("body").asText()));
        }
        return Optional.of(new SqsBatch(List.copyOf(messages)));
    }

    /**
     * Handles every message's event at once and answers {@code {"batchItemFailures":[{"itemIdentifier":id},…]}}: a
     * message fails when its body is not JSON or the handler throws (what, on the direct path, Lambda would retry).
     */
    ObjectNode deliver(EventLog log, DeliveryMarks marks, Function<JsonNode, JsonNode> handler) {
        var running = new ArrayList<Future<JsonNode>>(messages.size());
        // The batch's appends wait for each other (at most GATHER), so a room's events of the batch commit together.
        var gate = log == null ? null : log.gate(messages.size());
        var marked = marks == null ? null : marks.batch();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            try {
                for (var message : messages) {
                    java.util.concurrent.Callable<JsonNode> work = () -> handler.apply(Json.MAPPER.readTree(message.body()));
                    var inBatch = marked == null ? work : (java.util.concurrent.Callable<JsonNode>) () -> marked.enter(work);
                    running.add(threads.submit(gate == null ? inBatch : () -> gate.enter(inBatch)));
                }
                if (gate != null) {
                    gate.awaitArrivals(GATHER);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                if (gate != null) {
                    gate.close(); // before the threads are awaited: they may be waiting for these commits
                }
            }
        }
        if (marked != null) {
            try {
                marked.close(); // every record has ended: one write for the deliveries they completed
            } catch (RuntimeException e) {
                // The posts went out; without the marks a redelivery posts again (at least once, never less).
                LOG.warn("the batch's delivery marks were not written: {}", e.toString());
            }
        }
        var answer = Json.object();
        var failures = answer.putArray("batchItemFailures");
        for (int i = 0; i < messages.size(); i++) {
            try {
                running.get(i).get();
            } catch (ExecutionException e) {
                LOG.warn("fan-out queue message {} failed; it returns to the queue: {}", messages.get(i).messageId(),
                        e.getCause().toString());
                failures.addObject().put("itemIdentifier", messages.get(i).messageId());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.addObject().put("itemIdentifier", messages.get(i).messageId());
            }
        }
        return answer;
    }
}
