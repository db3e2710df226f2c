package dev.pulse.infra;

import dev.pulse.config.Env;
import dev.pulse.config.PulseConfig;
import java.util.Map;
import java.util.TreeMap;

/**
 * How big rooms are split (docs/SCALING.md), as construct props: the fan-out's threshold and shard size, the workers'
 * checkpoint, and how many worker invocations may run at once. Checked at synthesis with the core's own rules.
 *
 * @param threshold         members of one room above which it is handed out in shards (PULSE_BIG_ROOM_THRESHOLD)
 * @param shardSize         connections per shard (PULSE_SHARD_SIZE)
 * @param checkpointEvery   posts between a worker's progress records (PULSE_SHARD_CHECKPOINT)
 * @param workerConcurrency the shard queue's event source's maximum concurrency (2-1,000): at most this many workers at
 *                          once, so a burst of big-room events cannot take the account's whole Lambda concurrency
 */
public record BigRoomSettings(int threshold, int shardSize, int checkpointEvery, int workerConcurrency) {
    public static final int DEFAULT_WORKER_CONCURRENCY = 50;
    public static final BigRoomSettings DEFAULTS = new BigRoomSettings(PulseConfig.BigRooms.DEFAULT_THRESHOLD,
            PulseConfig.BigRooms.DEFAULT_SHARD_SIZE, PulseConfig.BigRooms.DEFAULT_CHECKPOINT_EVERY,
            DEFAULT_WORKER_CONCURRENCY);

    public BigRoomSettings {
        // The core's checks, with its messages (it names the variables).
        new PulseConfig.BigRooms(threshold, shardSize, checkpointEvery, null, PulseConfig.BigRooms.DEFAULT_LEASE);
        if (workerConcurrency < 2 || workerConcurrency > 1000) {
            throw new IllegalArgumentException("workerConcurrency must be between 2 and 1000 (an SQS event source's "
                    + "maximum concurrency): " + workerConcurrency);
        }
    }

    /** What the fan-out and the workers read. */
    Map<String, String> environment() {
        var env = new TreeMap<String, String>();
        env.put(Env.BIG_ROOM_THRESHOLD, Integer.toString(threshold));
        env.put(Env.SHARD_SIZE, Integer.toString(shardSize));
        env.put(Env.SHARD_CHECKPOINT, Integer.toString(checkpointEvery));
        return env;
    }
}
