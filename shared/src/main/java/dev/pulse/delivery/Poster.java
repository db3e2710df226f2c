package dev.pulse.delivery;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Posts frames with at most {@code concurrency} in flight per batch. An {@link AsyncConnectionSender} (the functions'
 * {@link DirectPostSender}) needs no thread per post; any other sender runs on a fixed pool of long-lived threads
 * shared by every delivery of this process (started on first use), not on a new thread per post, so per-thread caches
 * (the SDK's digests and MACs) are built once per thread rather than once per post.
 */
public final class Poster implements AutoCloseable {
    private final ConnectionSender sender;
    private final int concurrency;
    private final ExecutorService pool;

    public Poster(ConnectionSender sender, int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
        this.sender = sender;
        this.concurrency = concurrency;
        // Daemon threads: a Lambda environment or a test JVM never waits for an idle pool to exit.
        this.pool = Executors.newFixedThreadPool(concurrency, Thread.ofPlatform().daemon().name("pulse-post-", 0).factory());
    }

    /** A new batch: post into it, then {@link PostBatch#finish()} it. */
    public PostBatch batch() {
        return new PostBatch(sender, pool, concurrency);
    }

    public int concurrency() {
        return concurrency;
    }

    @Override
    public void close() {
        pool.shutdown();
    }
}
