package dev.pulse.local.eventbridge;

import dev.pulse.support.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to targets the way EventBridge does: asynchronously (the PutEvents answer never waits),
 * at least once, retrying failures with exponential backoff and jitter, and parking the event on a
 * dead-letter list after the last attempt. Each attempt runs on its own virtual thread, so a slow target
 * holds up nothing else, and events reach targets in no particular order.
 *
 * <p>Real EventBridge retries for up to 24 hours and 185 attempts; locally a few quick attempts make
 * failures visible in seconds.
 */
final class Deliveries implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Deliveries.class);
    private static final Duration MAX_DELAY = Duration.ofMinutes(1);

    private record Delivery(String rule, EventTarget target, String eventId, String eventJson) {
    }

    private final int maxAttempts;
    private final Backoff backoff;
    private final Clock clock;
    private final ExecutorService attempts =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("local-eventbus-delivery-", 0).factory());
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "local-eventbus-retry-timer");
        thread.setDaemon(true);
        return thread;
    });
    private final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private int pending;
    private volatile boolean closed;

    Deliveries(int maxAttempts, Duration baseDelay, Clock clock) {
        this.maxAttempts = maxAttempts;
        this.backoff = new Backoff(baseDelay, MAX_DELAY.compareTo(baseDelay) < 0 ? baseDelay : MAX_DELAY);
        this.clock = clock;
    }

    /** Queues one delivery; counted as pending from now until delivered or dead-lettered. */
    void submit(String rule, EventTarget target, String eventId, String eventJson) {
        synchronized (lock) {
            pending++;
        }
        start(new Delivery(rule, target, eventId, eventJson), 1);
    }

    boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (pending > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }

    List<DeadLetter> deadLetters() {
        return List.copyOf(deadLetters);
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        attempts.shutdownNow();
        try {
            attempts.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (lock) {
            if (pending > 0) {
                LOG.warn("local event bus closed with {} deliveries still pending; they are dropped", pending);
            }
            pending = 0;
            lock.notifyAll();
        }
    }

    private void start(Delivery delivery, int attempt) {
        try {
            attempts.execute(() -> attempt(delivery, attempt));
        } catch (RejectedExecutionException closing) {
            finished();
        }
    }

    private void attempt(Delivery delivery, int attempt) {
        try {
            delivery.target().invoke(delivery.eventJson());
        } catch (Throwable failure) {
            failed(delivery, attempt, failure);
            return;
        }
        finished();
    }

    private void failed(Delivery delivery, int attempt, Throwable failure) {
        if (closed) {
            finished();
            return;
        }
        if (attempt >= maxAttempts) {
            deadLetters.add(new DeadLetter(delivery.rule(), delivery.eventId(), delivery.eventJson(), attempt,
                    failure, clock.instant()));
            LOG.warn("rule {}: event {} dead-lettered after {} attempts; last error: {}",
                    delivery.rule(), delivery.eventId(), attempt, failure.toString());
            finished();
            return;
        }
        long delay = backoffMillis(attempt);
        LOG.info("rule {}: event {} attempt {} failed ({}); retrying in {} ms",
                delivery.rule(), delivery.eventId(), attempt, failure.toString(), delay);
        try {
            timer.schedule(() -> start(delivery, attempt + 1), delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            finished();
        }
    }

    /** base × 2^(attempt-1), capped, with jitter so retries spread out (the project's one {@link Backoff}). */
    private long backoffMillis(int attempt) {
        return backoff.delay(attempt).toMillis();
    }

    private void finished() {
        synchronized (lock) {
            if (pending > 0) {
                pending--;
            }
            if (pending == 0) {
                lock.notifyAll();
            }
        }
    }
}
