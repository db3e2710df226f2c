package dev.pulse.room;

import dev.pulse.delivery.Shard;
import dev.pulse.delivery.ShardWorker;

/**
 * A big room's shard's way to its clients (the shard worker function's use case): posted by the {@link ShardWorker},
 * then the connections found gone on the way leave their rooms for the {@link MembershipListener} (presence), as
 * {@link EventDelivery} does for the fan-out's own posts.
 */
public final class ShardDelivery {
    private final ShardWorker worker;
    private final MembershipListener listener;

    public ShardDelivery(ShardWorker worker, MembershipListener listener) {
        this.worker = worker;
        this.listener = listener;
    }

    public ShardWorker.Result deliver(Shard shard) {
        var result = worker.deliver(shard);
        result.pruned().forEach(listener::closed);
        return result;
    }
}
