package dev.pulse.delivery;

import dev.pulse.support.log.LogField;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The posts of one round of one delivery: {@link #post} hands a frame to the pool (waiting while the batch has
 * {@code concurrency} posts in flight, so a big room never queues its whole audience), {@link #finish} waits for all
 * of them and says what became of each.
 */
public final class PostBatch {
    private static final Logger LOG = LoggerFactory.getLogger(PostBatch.class);

    /** One frame for one connection. */
    public record Post(String connectionId, String frame) {
    }

    /**
     * @param delivered posts answered 200
     * @param gone      connections that answered 410
     * @param retryable posts that may succeed later (throttled, 5xx, timeout)
     * @param failed    posts refused for good
     */
    public record Outcome(int delivered, List<String> gone, List<Post> retryable, List<Post> failed) {
        public Outcome {
            gone = List.copyOf(gone);
            retryable = List.copyOf(retryable);
            failed = List.copyOf(failed);
        }
    }

    private final ConnectionSender sender;
    private final Executor pool;
    private final int concurrency;
    private final Semaphore inFlight;
    private final AtomicInteger delivered = new AtomicInteger();
    private final Queue<String> gone = new ConcurrentLinkedQueue<>();
    private final Queue<Post> retryable = new ConcurrentLinkedQueue<>();
    private final Queue<Post> failed = new ConcurrentLinkedQueue<>();

    PostBatch(ConnectionSender sender, Executor pool, int concurrency) {
        this.sender = sender;
        this.pool = pool;
        this.concurrency = concurrency;
        this.inFlight = new Semaphore(concurrency);
    }

    public void post(String connectionId, String frame) {
        var post = new Post(connectionId, frame);
        inFlight.acquireUninterruptibly();
        if (sender instanceof AsyncConnectionSender async) {
            try {
                async.sendAsync(connectionId, frame, result -> {
                    record(post, result);
                    inFlight.release();
                });
            } catch (RuntimeException e) {
                LOG.atWarn().addKeyValue(LogField.OUTCOME, "failed").log("post to {} threw: {}", connectionId, e.toString());
                retryable.add(post);
                inFlight.release();
            }
            return;
        }
        try {
            pool.execute(() -> {
                try {
                    record(post, sender.send(connectionId, frame));
                } catch (RuntimeException e) {
                    // A sender's bug or an unexpected SDK error: the post may well succeed on a retry.
                    LOG.atWarn().addKeyValue(LogField.OUTCOME, "failed").log("post to {} threw: {}", connectionId, e.toString());
                    retryable.add(post);
                } finally {
                    inFlight.release();
                }
            });
        } catch (RuntimeException rejected) {
            inFlight.release();
            throw rejected;
        }
    }

    private void record(Post post, SendResult result) {
        switch (result) {
            case DELIVERED -> delivered.incrementAndGet();
            case GONE -> gone.add(post.connectionId());
            case RETRYABLE -> retryable.add(post);
            case FAILED -> failed.add(post);
        }
    }

    /** Waits for every post of the batch. */
    public Outcome finish() {
        inFlight.acquireUninterruptibly(concurrency);
        inFlight.release(concurrency);
        return new Outcome(delivered.get(), new ArrayList<>(gone), new ArrayList<>(retryable), new ArrayList<>(failed));
    }
}
