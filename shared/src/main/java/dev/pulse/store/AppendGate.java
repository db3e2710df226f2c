package dev.pulse.store;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Holds this process's log commits while the events of one batch are still on their way to their appends, so that a
 * room's events of the batch go in one commit (one head write) instead of the first alone and the rest in the next.
 * The fan-out queue's batch entry opens one with its record count ({@link EventLog#gate}); each record's thread
 * {@link #enter enters} it, and arrives when its appends are queued ({@link EventLog#appendAll}) or, if it appends
 * nothing, when it ends. Commits start once every record arrived, or when the batch {@link #close closes} it, which
 * it does after at most a short wait: a slow record never holds the others' commits for long.
 */
public final class AppendGate implements AutoCloseable {
    /** The party on this thread: its gate, and whether it arrived already (each party counts once). */
    private static final class Party {
        private final AppendGate gate;
        private boolean arrived;

        Party(AppendGate gate) {
            this.gate = gate;
        }

        void arrive() {
            if (!arrived) {
                arrived = true;
                gate.arrive();
            }
        }
    }

    private static final ThreadLocal<Party> ENTERED = new ThreadLocal<>();

    private final LogAppender appender;
    private int waitingFor;
    private boolean open = true;

    AppendGate(LogAppender appender, int parties) {
        this.appender = appender;
        this.waitingFor = parties;
        if (parties <= 0) {
            open = false;
        }
    }

    /** Runs one record's work on this thread as one of the parties; it arrives at its first append or at the end. */
    public <T> T enter(java.util.concurrent.Callable<T> work) throws Exception {
        var party = new Party(this);
        ENTERED.set(party);
        try {
            return work.call();
        } finally {
            ENTERED.remove();
            party.arrive();
        }
    }

    /** Waits, at most {@code timeout}, until every party has arrived. */
    public synchronized boolean awaitArrivals(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (open && waitingFor > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** Lets the commits go, whoever has not arrived yet. */
    @Override
    public void close() {
        release();
    }

    /** Called by appendAll on a party's thread once its appends are queued: only its first arrival counts. */
    static void arrived() {
        var party = ENTERED.get();
        if (party != null) {
            party.arrive();
        }
    }

    synchronized boolean holding() {
        return open;
    }

    private void arrive() {
        boolean last;
        synchronized (this) {
            if (!open || waitingFor <= 0) {
                return;
            }
            last = --waitingFor == 0;
            notifyAll();
        }
        if (last) {
            release();
        }
    }

    private void release() {
        synchronized (this) {
            if (!open) {
                return;
            }
            open = false;
            notifyAll();
        }
        appender.released(this);
    }
}
