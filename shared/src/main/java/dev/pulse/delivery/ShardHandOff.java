package dev.pulse.delivery;

import java.util.concurrent.CompletableFuture;

/**
 * How a big room's shards reach the worker invocations: an SQS queue on AWS (the worker function is its event source),
 * an in-process queue with several workers locally. Implementations accept shards concurrently.
 */
@FunctionalInterface
public interface ShardHandOff {
    /**
     * Queues one shard for a worker.
     *
     * @return completes once the shard is accepted (a worker will get it at least once), or exceptionally if it could
     *         not be: the fan-out then fails and is retried whole, its shards cut and handed out again
     */
    CompletableFuture<Void> handOut(Shard shard);
}
