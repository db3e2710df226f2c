package dev.pulse.delivery;

import dev.pulse.model.ClosedConnection;
import dev.pulse.store.ConnectionStore;
import dev.pulse.store.ShardProgress;
import dev.pulse.support.log.LogField;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's part of a big room's delivery (docs/SCALING.md): claims one {@link Shard} ({@link ShardProgress#claim}),
 * posts to its connections a checkpoint's worth at a time ({@code checkpointEvery} posts, at most the fan-out's
 * concurrency in flight), and after each records how far it got, renewing the claim. A shard delivered again starts
 * where the last record says: a finished shard posts nothing; one interrupted by a worker that died repeats at most the
 * posts made since its last record, which clients drop by eventId (PROTOCOL §6.1); a second copy arriving while the
 * first is being posted is deferred ({@link Result#deferred}: the caller has the queue deliver it again later), so two
 * copies never post at the same time.
 *
 * <p>Posts that fail after their retries are recorded as undelivered, as the fan-out's are; connections that answered
 * 410 are pruned before the progress that passes them is recorded, so a retry never leaves one behind.
 */
public final class ShardWorker {
    private static final Logger LOG = LoggerFactory.getLogger(ShardWorker.class);

    /**
     * Told each time a checkpoint's worth of posts was answered, before the progress is recorded. Nothing in production
     * listens; the local worker runner's fault switch does (it "kills" a worker there, mid-shard).
     */
    @FunctionalInterface
    public interface Checkpoints {
        Checkpoints NONE = (shard, posted) -> { };

        void reached(Shard shard, int posted);
    }

    /**
     * What one delivery of a shard did.
     *
     * @param shardKey   the shard's progress key
     * @param resumedAt  members already posted to by earlier attempts (skipped now)
     * @param recipients members posted to now
     * @param delivered  posts answered 200
     * @param gone       posts answered 410
     * @param failed     posts not delivered after their retries (recorded as undelivered)
     * @param pruned     connections pruned after a 410, for presence
     * @param millis     the whole shard
     * @param deferred   another attempt holds the shard (it posted nothing): deliver this copy again later
     */
    public record Result(String shardKey, int resumedAt, int recipients, int delivered, int gone, int failed,
                         List<ClosedConnection> pruned, long millis, boolean deferred) {
        public Result {
            pruned = List.copyOf(pruned);
        }
    }

    private final FanOut fanOut;
    private final ShardProgress progress;
    private final GonePruner pruner;
    private final int checkpointEvery;
    private final Duration lease;
    private final Checkpoints checkpoints;

    /** @param lease how long a claim lasts without renewal: the worker's timeout (a worker cannot live longer) */
    public ShardWorker(FanOut fanOut, ShardProgress progress, ConnectionStore connections, int checkpointEvery,
                       Duration lease, Checkpoints checkpoints) {
        if (checkpointEvery < 1) {
            throw new IllegalArgumentException("checkpointEvery must be positive, got " + checkpointEvery);
        }
        this.fanOut = Objects.requireNonNull(fanOut, "fanOut");
        this.progress = Objects.requireNonNull(progress, "progress");
        this.pruner = new GonePruner(connections);
        this.checkpointEvery = checkpointEvery;
        this.lease = Objects.requireNonNull(lease, "lease");
        this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
    }

    /** Posts the shard from where its progress says; an exception leaves the progress at the last checkpoint. */
    public Result deliver(Shard shard) {
        long started = System.nanoTime();
        String key = shard.key();
        String workspace = shard.workspaceId();
        var members = shard.members();
        var content = shard.delivery().content();
        String attempt = UUID.randomUUID().toString();
        var claimed = progress.claim(workspace, key, attempt, lease);
        if (claimed.isEmpty()) {
            LOG.info("shard {} of eventId={} is being posted by another attempt: deferred", key, content.eventId());
            return new Result(key, 0, 0, 0, 0, 0, List.of(), (System.nanoTime() - started) / 1_000_000, true);
        }
        int from = Math.min(claimed.getAsInt(), members.size());
        int delivered = 0;
        int gone = 0;
        int failed = 0;
        var pruned = new ArrayList<ClosedConnection>();
        boolean deferred = false;
        for (int at = from; at < members.size(); ) {
            int to = Math.min(members.size(), at + checkpointEvery);
            var posted = fanOut.post(shard.delivery(), shard.roomIndex(), members.subList(at, to));
            delivered += posted.delivered();
            failed += posted.failed();
            gone += posted.gone().size();
            pruned.addAll(pruner.prune(posted.gone(), content.correlationId()));
            checkpoints.reached(shard, to);
            if (!progress.record(workspace, key, attempt, to, to == members.size())) {
                // This attempt outlived its lease and another took the shard over: it posts the rest.
                LOG.warn("shard {} of eventId={} taken over by another attempt at {} posted", key, content.eventId(), to);
                deferred = true;
                break;
            }
            at = to;
        }
        if (from >= members.size()) {
            progress.record(workspace, key, attempt, members.size(), true); // finished before: release the claim
        }
        var result = new Result(key, from, members.size() - from, delivered, gone, failed, pruned,
                (System.nanoTime() - started) / 1_000_000, deferred);
        LOG.atInfo().addKeyValue(LogField.CORRELATION_ID, content.correlationId())
                .addKeyValue(LogField.OUTCOME, from >= members.size() ? "finished before" : "delivered")
                .addKeyValue("event", content.event()).addKeyValue("eventId", content.eventId())
                .addKeyValue("shard", key).addKeyValue("resumedAt", from).addKeyValue("recipients", result.recipients())
                .addKeyValue("delivered", delivered).addKeyValue("gone", gone).addKeyValue("failed", failed)
                .addKeyValue("totalMs", result.millis()).log("shard");
        return result;
    }
}
