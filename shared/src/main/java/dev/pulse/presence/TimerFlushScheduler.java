package dev.pulse.presence;

import dev.pulse.model.Room;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import dev.pulse.support.log.LogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local runtime's (and tests') stand-in for the SQS delay: a timer in this process runs each window's flush. A
 * flush that fails is tried again after another window, as SQS would redeliver its message, up to
 * {@link #ATTEMPTS} times. Not for Lambda: a frozen execution environment runs no timers.
 */
public final class TimerFlushScheduler implements FlushScheduler, AutoCloseable {
    static final int ATTEMPTS = 3;
    private static final Logger LOG = LoggerFactory.getLogger(TimerFlushScheduler.class);

    private final ScheduledExecutorService timer;
    private final Consumer<Room> flush;

    /** @param flush what runs a room's flush (bound late: the flusher is built after the tracker that schedules) */
    public TimerFlushScheduler(Consumer<Room> flush) {
        this.flush = Objects.requireNonNull(flush, "flush");
        // One thread: flushes run one at a time, as a room's windows follow one another.
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("pulse-presence-flush").factory());
    }

    @Override
    public void schedule(Room room, Duration after) {
        schedule(room, after, 1);
    }

    private void schedule(Room room, Duration after, int attempt) {
        timer.schedule(() -> {
            // Its own log context, as the flush function's invocation would have (not the $connect's that scheduled it).
            try (var log = LogContext.open("presence-flush", null, null)) {
                flush.accept(room);
            } catch (RuntimeException e) {
                if (attempt < ATTEMPTS) {
                    LOG.warn("presence flush of {} failed (attempt {}), trying again", room.name(), attempt, e);
                    schedule(room, after, attempt + 1);
                } else {
                    LOG.error("presence flush of {} failed {} times; the next change reopens the window", room.name(),
                            attempt, e);
                }
            }
        }, after.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
