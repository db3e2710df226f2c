package dev.pulse.local.eventbridge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.protocol.Json;
import dev.pulse.support.Backoff;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fan-out queue of the CDK app ({@code FanOutQueue}: the rule's SQS target, an event source mapping with
 * {@code ReportBatchItemFailures}, a dead-letter queue after a few receives), in process: the rule puts each event on
 * it ({@link #target()}), and up to {@code pollers} batches of at most {@code batchSize} waiting messages are handed to
 * the function at once as the SQS event Lambda would send ({@code Records} with {@code messageId}, {@code body},
 * {@code eventSource: aws:sqs}). Like the event source mapping it does not wait to fill a batch (no batching window):
 * a batch is what is waiting when a poller is free, so batches grow with the load. The messages the function answers
 * in {@code batchItemFailures} (or all of them, if it throws) come back after a short visibility delay; after
 * {@code maxReceives} they are parked as dead letters.
 */
public final class LocalQueue implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalQueue.class);

    /** What the function is: it receives an SQS event's JSON and answers the partial-batch response's JSON. */
    @FunctionalInterface
    public interface BatchFunction {
        String invoke(String sqsEventJson) throws Exception;
    }

    private record Message(String id, String body, int receives) {
    }

    private final String arn;
    private final int batchSize;
    private final int maxReceives;
    private final BatchFunction function;
    private final Backoff visibility = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2));
    private final ArrayDeque<Message> waiting = new ArrayDeque<>();
    private final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();
    private final ExecutorService polls = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("local-queue-poller-", 0).factory());
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        var thread = new Thread(runnable, "local-queue-visibility");
        thread.setDaemon(true);
        return thread;
    });
    private final int pollers;
    private int busy;
    private int pending;
    private boolean closed;

    public LocalQueue(String arn, int batchSize, int pollers, int maxReceives, BatchFunction function) {
        if (batchSize < 1 || batchSize > 10_000 || pollers < 1 || maxReceives < 1) {
            throw new IllegalArgumentException("batchSize 1-10000, pollers and maxReceives at least 1");
        }
        this.arn = arn;
        this.batchSize = batchSize;
        this.pollers = pollers;
        this.maxReceives = maxReceives;
        this.function = function;
    }

    /** The rule's target: SendMessage with the event as the body (never fails, as SQS accepts at once). */
    public EventTarget target() {
        return this::send;
    }

    void send(String body) {
        synchronized (this) {
            pending++;
            waiting.add(new Message(UUID.randomUUID().toString(), body, 0));
        }
        poll();
    }

    /** Whether every message sent was handled or dead-lettered within the timeout. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (pending > 0 && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return pending == 0;
        }
    }

    public List<DeadLetter> deadLetters() {
        return List.copyOf(deadLetters);
    }

    /** Starts batches while messages wait and a poller is free. */
    private void poll() {
        while (true) {
            List<Message> batch;
            synchronized (this) {
                if (closed || busy >= pollers || waiting.isEmpty()) {
                    return;
                }
                batch = new ArrayList<>(Math.min(batchSize, waiting.size()));
                while (batch.size() < batchSize && !waiting.isEmpty()) {
                    var m = waiting.poll();
                    batch.add(new Message(m.id(), m.body(), m.receives() + 1));
                }
                busy++;
            }
            try {
                polls.execute(() -> {
                    try {
                        handle(batch);
                    } finally {
                        synchronized (this) {
                            busy--;
                        }
                        poll();
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                return;
            }
        }
    }

    private void handle(List<Message> batch) {
        Set<String> failed = new HashSet<>();
        Throwable failure = null;
        try {
            var answer = Json.MAPPER.readTree(function.invoke(event(batch)));
            for (JsonNode item : answer.path("batchItemFailures")) {
                failed.add(item.path("itemIdentifier").asText());
            }
        } catch (Throwable e) {
            failure = e;
            batch.forEach(m -> failed.add(m.id()));
        }
        int done = 0;
        for (var message : batch) {
            if (!failed.contains(message.id())) {
                done++;
            } else if (message.receives() >= maxReceives) {
                deadLetters.add(new DeadLetter(arn, message.id(), message.body(), message.receives(),
                        failure == null ? new IllegalStateException("reported in batchItemFailures") : failure,
                        java.time.Instant.now()));
                LOG.warn("queue {}: message {} dead-lettered after {} receives", arn, message.id(), message.receives());
                done++;
            } else {
                try {
                    timer.schedule(() -> requeue(message), visibility.delay(message.receives()).toMillis(),
                            TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException closing) {
                    done++;
                }
            }
        }
        finished(done);
    }

    private void requeue(Message message) {
        synchronized (this) {
            waiting.add(message);
        }
        poll();
    }

    private synchronized void finished(int messages) {
        pending -= messages;
        if (pending <= 0) {
            pending = 0;
            notifyAll();
        }
    }

    private String event(List<Message> batch) {
        var event = Json.object();
        var records = event.putArray("Records");
        for (var message : batch) {
            var record = records.addObject();
            record.put("messageId", message.id());
            record.put("receiptHandle", message.id());
            record.put("body", message.body());
            record.putObject("attributes").put("ApproximateReceiveCount", Integer.toString(message.receives()));
            record.put("eventSource", "aws:sqs");
            record.put("eventSourceARN", arn);
        }
        return event.toString();
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (pending > 0) {
                LOG.warn("local queue {} closed with {} messages pending; they are dropped", arn, pending);
            }
            notifyAll();
        }
        timer.shutdownNow();
        polls.shutdownNow();
    }
}
