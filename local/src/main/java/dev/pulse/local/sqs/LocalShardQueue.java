package dev.pulse.local.sqs;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.pulse.delivery.Shard;
import dev.pulse.delivery.ShardHandOff;
import dev.pulse.delivery.ShardWorker;
import dev.pulse.functions.ShardWorkerHandler;
import dev.pulse.local.lambda.LocalLambdaContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shard queue and its worker function on one machine, standing in for SQS and the Lambda event source mapping
 * (docs/SCALING.md): shards the fan-out hands out wait in memory and {@code workers} threads take them one at a time
 * (batch size 1), each calling the real {@link ShardWorkerHandler} with an {@link SQSEvent} of one record, as Lambda
 * would. A message the handler reports as failed, or whose invocation dies, is received again after the visibility
 * timeout (locally a little longer than the workers' lease, as on AWS) up to {@link #MAX_RECEIVES} times, then kept as
 * dead-lettered.
 *
 * <p>Two fault switches, for tests only (nothing in the local runtime turns them on): {@link #killWorkerAtCheckpoint}
 * makes the worker's invocation die at a checkpoint, after that checkpoint's posts and before its progress is recorded,
 * as a Lambda that crashes or times out there; {@link #deliverEachShardTwice} hands every shard to two workers, one after
 * the other, as SQS may (it delivers at least once).
 */
public final class LocalShardQueue implements ShardHandOff, ShardWorker.Checkpoints, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalShardQueue.class);
    /** The stack's maxReceiveCount: receives before a shard goes to the dead-letter queue. */
    public static final int MAX_RECEIVES = 3;

    /** The fault switch's "crash": an Error, so no handler catches it and the whole invocation dies. */
    static final class WorkerKilled extends Error {
        WorkerKilled(String message) {
            super(message);
        }
    }

    private record Message(String id, String body, int receives) {
    }

    private final LinkedBlockingQueue<Message> queue = new LinkedBlockingQueue<>();
    private final ExecutorService workers;
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("local-shard-retries").factory());
    private final Supplier<ShardWorkerHandler> handler;
    private final AtomicInteger unfinished = new AtomicInteger();
    private final Object idle = new Object();
    private final List<String> deadLetters = new CopyOnWriteArrayList<>();
    private final AtomicInteger kills = new AtomicInteger();
    private final AtomicInteger invocations = new AtomicInteger();
    private volatile int killAt = -1;
    private volatile boolean twice;
    private final Duration visibilityTimeout;

    /**
     * @param workers           concurrent worker invocations (the stack's maximum concurrency)
     * @param visibilityTimeout how long a failed message stays hidden before it is received again
     * @param handler           the worker function, bound late (it needs the services this queue is part of)
     */
    public LocalShardQueue(int workers, Duration visibilityTimeout, Supplier<ShardWorkerHandler> handler) {
        this.visibilityTimeout = visibilityTimeout;
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, got " + workers);
        }
        this.handler = handler;
        this.workers = Executors.newFixedThreadPool(workers, Thread.ofPlatform().daemon().name("local-shard-worker-", 0).factory());
        for (int i = 0; i < workers; i++) {
            this.workers.execute(this::work);
        }
    }

    @Override
    public CompletableFuture<Void> handOut(Shard shard) {
        String body = shard.toJson().toString();
        int copies = twice ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            unfinished.incrementAndGet();
            queue.add(new Message(UUID.randomUUID().toString(), body, 0));
        }
        return CompletableFuture.completedFuture(null);
    }

    /** The fault switch: the next invocation to reach a checkpoint at {@code posted} members dies there (once). */
    public void killWorkerAtCheckpoint(int posted) {
        killAt = posted;
    }

    /** The fault switch for SQS's duplicates: every shard handed out from now on is delivered twice. */
    public void deliverEachShardTwice(boolean on) {
        twice = on;
    }

    @Override
    public void reached(Shard shard, int posted) {
        if (posted == killAt) {
            killAt = -1;
            kills.incrementAndGet();
            throw new WorkerKilled("fault switch: worker killed at checkpoint " + posted + " of shard " + shard.key());
        }
    }

    /** Worker invocations killed by the fault switch so far. */
    public int kills() {
        return kills.get();
    }

    /** Worker invocations so far (retries included). */
    public int invocations() {
        return invocations.get();
    }

    /** Bodies of the shards that failed every receive, oldest first. */
    public List<String> deadLetters() {
        return List.copyOf(deadLetters);
    }

    /** Waits until every shard handed out was delivered or dead-lettered. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            while (unfinished.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(idle, left);
            }
        }
        return true;
    }

    private void work() {
        while (!Thread.currentThread().isInterrupted()) {
            Message message;
            try {
                message = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            invoke(message);
        }
    }

    private void invoke(Message message) {
        invocations.incrementAndGet();
        var record = new SQSEvent.SQSMessage();
        record.setMessageId(message.id());
        record.setBody(message.body());
        var event = new SQSEvent();
        event.setRecords(new ArrayList<>(List.of(record)));
        boolean ok;
        try {
            SQSBatchResponse response = handler.get().handleRequest(event, new LocalLambdaContext("pulse-shard-worker", 60_000));
            ok = response.getBatchItemFailures().isEmpty();
        } catch (Throwable died) {
            LOG.warn("shard worker invocation died: {}", died.toString());
            ok = false;
        }
        if (ok) {
            finished();
        } else if (message.receives() + 1 >= MAX_RECEIVES) {
            LOG.warn("shard message {} failed {} receives: dead-lettered", message.id(), MAX_RECEIVES);
            deadLetters.add(message.body());
            finished();
        } else {
            var again = new Message(message.id(), message.body(), message.receives() + 1);
            retries.schedule(() -> queue.add(again),
                    visibilityTimeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void finished() {
        if (unfinished.decrementAndGet() == 0) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
        retries.shutdownNow();
    }
}
