package dev.pulse.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Unconditional puts from many threads gathered into BatchWriteItem calls of up to 25 items: a put waits for the call
 * that carries it, and while calls are in flight the next puts gather for the one after. Two puts of one key in a
 * gathering are written once (BatchWriteItem refuses duplicate keys), the later one winning.
 */
final class BatchedPuts {
    private record Waiting(Map<String, AttributeValue> item, CompletableFuture<Void> done) {
    }

    private final TableWriter writer;
    private final int maxInFlight;
    private final ExecutorService calls = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("pulse-batched-puts-", 0).factory());
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private int inFlight;

    BatchedPuts(TableWriter writer, int maxInFlight) {
        this.writer = writer;
        this.maxInFlight = maxInFlight;
    }

    /** Writes the item; returns once it is written, or throws what the write threw. */
    void put(Map<String, AttributeValue> item) {
        var entry = new Waiting(item, new CompletableFuture<>());
        synchronized (this) {
            waiting.add(entry);
        }
        startCalls();
        try {
            entry.done().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
    }

    private void startCalls() {
        while (true) {
            List<Waiting> batch = new ArrayList<>();
            synchronized (this) {
                if (inFlight >= maxInFlight || waiting.isEmpty()) {
                    return;
                }
                while (!waiting.isEmpty() && batch.size() < TableWriter.BATCH_LIMIT) {
                    batch.add(waiting.poll());
                }
                inFlight++;
            }
            calls.execute(() -> {
                try {
                    var byKey = new LinkedHashMap<String, WriteRequest>();
                    for (var w : batch) {
                        var item = w.item();
                        byKey.put(item.get(ConnectionTable.PARTITION_KEY).s() + "\u0000" + item.get(ConnectionTable.SORT_KEY).s(),
                                WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
                    }
                    writer.batchWrite(List.copyOf(byKey.values()));
                    batch.forEach(w -> w.done().complete(null));
                } catch (RuntimeException | Error e) {
                    batch.forEach(w -> w.done().completeExceptionally(e));
                } finally {
                    synchronized (this) {
                        inFlight--;
                    }
                    startCalls();
                }
            });
        }
    }
}
