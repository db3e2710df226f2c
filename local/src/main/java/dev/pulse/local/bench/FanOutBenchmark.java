package dev.pulse.local.bench;

import dev.pulse.config.Env;
import dev.pulse.local.LocalSettings;
import dev.pulse.local.LocalSystem;
import dev.pulse.publish.Publisher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Fan-out benchmark on the local stack: N real WebSocket clients (in a separate process, {@link BenchClients})
 * in one room (their workspace); events published with the stock EventBridge SDK through the local bus;
 * latency from just before PutEvents to each client's receipt. Prints publish→receive p50/p99, the time for
 * one event to reach all, and the DynamoDB and {@code @connections} calls per event, counted on the
 * handlers' SDK clients.
 *
 * <p>Run: {@code ./pulse bench 1000 10000} (see docs/BENCHMARKS.md).
 */
public final class FanOutBenchmark {
    private static final String WORKSPACE = "bench";

    public static void main(String[] args) {
        int[] sizes = args.length == 0 ? new int[] {1000, 10000} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        System.out.printf("machine: %d cores, max heap %d MiB, java %s, %s%n", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"), System.getProperty("os.name"));
        int status = 0;
        try {
            for (int n : sizes) {
                run(n, n >= 5000 ? 10 : 30);
            }
        } catch (Exception | Error e) {
            e.printStackTrace();
            status = 1;
        }
        System.exit(status); // DynamoDB Local leaves non-daemon threads behind
    }

    static void run(int connections, int events) throws Exception {
        var counter = new CallCounter();
        var settings = benchSettings();
        try (var system = LocalSystem.start(settings, List.of(counter))) {
            counter.countingPostsAt(system.gateway());
            try (var clients = new ClientProcess("4g", BenchClients.class, List.of(system.webSocketUri().toString(),
                    Integer.toString(connections), WORKSPACE, settings.jwtSecret(), settings.jwtIssuer(), settings.jwtAudience()))) {
                long opening = System.nanoTime();
                clients.expect("READY");
                System.out.printf("%nopened %,d connections in %.1f s%n", connections, (System.nanoTime() - opening) / 1e9);

                var publisher = new Publisher(system.eventBridgeClient(), "default", "bench");
                measure(publisher, clients, 5); // warm-up: JIT, connection pools
                counter.reset();
                var latencies = measure(publisher, clients, events);
                Map<String, Long> calls = counter.snapshot();

                System.out.printf("%n== %,d connections in one room, %d events, fan-out concurrency %d ==%n",
                        connections, events, settings.fanoutConcurrency());
                double[] all = latencies.stream().flatMapToDouble(Arrays::stream).toArray();
                double[] reachAll = latencies.stream().mapToDouble(l -> Arrays.stream(l).max().orElse(0)).toArray();
                System.out.printf("publish→receive   p50 %7.1f ms   p99 %7.1f ms   max %7.1f ms%n",
                        pct(all, 50), pct(all, 99), pct(all, 100));
                System.out.printf("time to reach all median %7.1f ms   max %7.1f ms%n", pct(reachAll, 50), pct(reachAll, 100));
                calls.forEach((op, count) -> System.out.printf("calls per event   %-45s %10.1f%n", op, count / (double) events));
                clients.send("STOP");
            }
        }
    }

    /**
     * Free ports everywhere; the fan-out concurrency may be set as for ./pulse local (PULSE_FANOUT_CONCURRENCY).
     * Presence off unless PULSE_PRESENCE_NAMESPACES says otherwise: the benchmarks measure deliveries, and with presence
     * on a mass connect of 1,000 clients posts ~N² presence frames and takes minutes (the big-rooms issue's subject).
     */
    static LocalSettings benchSettings() {
        return LocalSettings.ephemeral()
                .withFanoutConcurrency(LocalSettings.fromEnvironment(System.getenv()).fanoutConcurrency())
                .withHandlerSetting("PULSE_PRESENCE_NAMESPACES", System.getenv().getOrDefault("PULSE_PRESENCE_NAMESPACES", ""))
                // The single-invocation path, as every earlier run measured it, unless PULSE_BIG_ROOM_THRESHOLD says
                // otherwise; ./pulse bench-bigroom compares it with the sharded path.
                .withHandlerSetting(Env.BIG_ROOM_THRESHOLD,
                        System.getenv().getOrDefault(Env.BIG_ROOM_THRESHOLD, BigRoomBenchmark.NEVER));
    }

    private static List<double[]> measure(Publisher publisher, ClientProcess clients, int events) throws Exception {
        return measure(publisher, List.of(clients), WORKSPACE, events);
    }

    /**
     * Publishes {@code events} events one after the other to the workspace's room; for each, every client's
     * publish→receive latency in ms, over all the client processes.
     */
    static List<double[]> measure(Publisher publisher, List<ClientProcess> processes, String workspace, int events)
            throws Exception {
        var results = new ArrayList<double[]>();
        for (int e = 0; e < events; e++) {
            String marker = "m" + e + "x" + System.nanoTime();
            for (var clients : processes) {
                clients.send("EXPECT " + marker);
            }
            for (var clients : processes) {
                clients.expect("ARMED " + marker);
            }
            long publishedAt = BenchClients.nowMicros();
            publisher.event("bench.tick").toWorkspace(workspace).data(Map.of("marker", marker)).send();
            var all = new ArrayList<Double>();
            for (var clients : processes) {
                String got = clients.expect("GOT " + marker);
                Arrays.stream(got.substring(got.indexOf(' ', 4) + 1).split(","))
                        .forEach(receivedAt -> all.add((Long.parseLong(receivedAt) - publishedAt) / 1000.0));
            }
            results.add(all.stream().mapToDouble(Double::doubleValue).toArray());
        }
        return results;
    }

    static double pct(double[] values, int percentile) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
