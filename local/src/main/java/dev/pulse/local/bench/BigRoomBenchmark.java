package dev.pulse.local.bench;

import dev.pulse.config.Env;
import dev.pulse.local.LocalSettings;
import dev.pulse.local.LocalSystem;
import dev.pulse.publish.Publisher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Big rooms on the local stack (docs/SCALING.md): N real WebSocket clients in one room (their workspace), reached once
 * through the single-invocation path (the split turned off) and once through the sharded path (shards of
 * {@code PULSE_SHARD_SIZE}, default 1,000, posted by {@code PULSE_LOCAL_SHARD_WORKERS} in-process workers, default 4),
 * each on a fresh local system. Prints, per path, publish→receive p50/p99 and the time for one event to reach all, and
 * the shards per event.
 *
 * <p>The clients are spread over processes of at most {@link #CLIENTS_PER_PROCESS} sockets. The system under test holds
 * one socket per connection in one process, so N stops below the machine's file-descriptor limit per process
 * ({@code ulimit -n}; 20,000 here): 50,000 connections would need the emulator itself spread over processes.
 *
 * <p>Run: {@code ./pulse bench-bigroom 10000} (see docs/BENCHMARKS.md).
 */
public final class BigRoomBenchmark {
    private static final String WORKSPACE = "bench";
    static final int CLIENTS_PER_PROCESS = 10_000;
    /** A threshold no local room reaches: the single-invocation path. */
    static final String NEVER = Integer.toString(Integer.MAX_VALUE);

    private BigRoomBenchmark() {
    }

    public static void main(String[] args) {
        int[] sizes = args.length == 0 ? new int[] {10_000} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        var base = FanOutBenchmark.benchSettings();
        for (String name : List.of(LocalSettings.SHARD_WORKERS, Env.SHARD_SIZE, Env.SHARD_CHECKPOINT)) {
            String value = System.getenv(name);
            if (value != null) {
                base = base.withHandlerSetting(name, value);
            }
        }
        System.out.printf("machine: %d cores, max heap %d MiB, java %s, %s; %d shard workers%n",
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
                System.getProperty("java.version"), System.getProperty("os.name"), base.shardWorkers());
        int status = 0;
        try {
            for (int n : sizes) {
                run(n, base.withHandlerSetting(Env.BIG_ROOM_THRESHOLD, NEVER), "single invocation");
                run(n, base.withHandlerSetting(Env.BIG_ROOM_THRESHOLD, System.getenv().getOrDefault(Env.BIG_ROOM_THRESHOLD,
                        Integer.toString(dev.pulse.config.PulseConfig.BigRooms.DEFAULT_THRESHOLD))), "sharded");
            }
        } catch (Exception | Error e) {
            e.printStackTrace();
            status = 1;
        }
        System.exit(status); // DynamoDB Local leaves non-daemon threads behind
    }

    private static void run(int connections, LocalSettings settings, String path) throws Exception {
        int events = 10;
        try (var system = LocalSystem.start(settings)) {
            var processes = new ArrayList<ClientProcess>();
            try {
                long opening = System.nanoTime();
                for (int from = 0; from < connections; from += CLIENTS_PER_PROCESS) {
                    int count = Math.min(CLIENTS_PER_PROCESS, connections - from);
                    processes.add(new ClientProcess("3g", BenchClients.class, List.of(system.webSocketUri().toString(),
                            Integer.toString(count), WORKSPACE, settings.jwtSecret(), settings.jwtIssuer(),
                            settings.jwtAudience())));
                }
                for (var clients : processes) {
                    clients.expect("READY");
                }
                System.out.printf("%nopened %,d connections in %.1f s (%d client processes)%n", connections,
                        (System.nanoTime() - opening) / 1e9, processes.size());

                var publisher = new Publisher(system.eventBridgeClient(), "default", "bench");
                FanOutBenchmark.measure(publisher, processes, WORKSPACE, 3); // warm-up: JIT, connection pools
                int invocationsBefore = system.shardQueue().invocations();
                var latencies = FanOutBenchmark.measure(publisher, processes, WORKSPACE, events);
                double shards = (system.shardQueue().invocations() - invocationsBefore) / (double) events;

                System.out.printf("== %,d connections in one room, %s path, %d events, fan-out concurrency %d ==%n",
                        connections, path, events, settings.fanoutConcurrency());
                double[] all = latencies.stream().flatMapToDouble(Arrays::stream).toArray();
                double[] reachAll = latencies.stream().mapToDouble(l -> Arrays.stream(l).max().orElse(0)).toArray();
                System.out.printf("publish→receive   p50 %7.1f ms   p99 %7.1f ms   max %7.1f ms%n",
                        FanOutBenchmark.pct(all, 50), FanOutBenchmark.pct(all, 99), FanOutBenchmark.pct(all, 100));
                System.out.printf("time to reach all median %7.1f ms   max %7.1f ms%n", FanOutBenchmark.pct(reachAll, 50),
                        FanOutBenchmark.pct(reachAll, 100));
                System.out.printf("shard worker invocations per event %.1f%n", shards);
                processes.forEach(p -> p.send("STOP"));
            } finally {
                for (var p : processes) {
                    p.close();
                }
            }
        }
    }
}
