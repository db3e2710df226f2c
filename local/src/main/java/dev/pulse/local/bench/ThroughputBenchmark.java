package dev.pulse.local.bench;

import dev.pulse.local.LocalSystem;
import dev.pulse.protocol.Json;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/**
 * Many small events on the local stack: R rooms × C real WebSocket clients (in a separate process,
 * {@link ThroughputClients}); a domain service puts RATE events per second for S seconds with the stock EventBridge
 * client, ten entries per PutEvents, each event to one room, round robin. Reports the rate delivered (events until the
 * last client has the last event), per-delivery latency, whether every event reached every client of its room exactly
 * once with gap-free seqs and one epoch, and per event: DynamoDB and {@code @connections} calls, the read and write
 * units DynamoDB Local reports, the fan-out's invocation time (what Lambda bills) and the server JVM's CPU time.
 *
 * <p>Run: {@code ./pulse bench-throughput 100 10 600 30} (rooms, clients per room, events/s, seconds, then optionally the
 * fan-out batch size and the warm-up seconds, default {@value #DEFAULT_WARM_UP_SECONDS}; see docs/BENCHMARKS.md);
 * {@code ./pulse bench-throughput 1 10 500 30} is one hot room. The warm-up puts the same load for that long first and
 * waits until it is delivered (checked like the rest, not measured): the local stack's JIT is still compiling for the
 * first ~40 s of such a load, and a measurement that starts cold measures the compiler.
 */
public final class ThroughputBenchmark {
    private static final String WORKSPACE = "bench";
    static final int DEFAULT_WARM_UP_SECONDS = 40;

    public static void main(String[] args) {
        int rooms = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int perRoom = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 600;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        // How events reach the fan-out: 0 = one per invocation (the rule's direct target), N = the fan-out queue's
        // batches of up to N (the default, as deployed).
        int batch = args.length > 4 ? Integer.parseInt(args[4]) : dev.pulse.local.LocalSettings.DEFAULT_FANOUT_BATCH;
        // Seconds of the same load before the measurement (delivered and checked, not measured): the local stack is one
        // JVM holding DynamoDB Local, the SDK, Jetty and the handlers, and its JIT compiles for ~40 s under this load,
        // taking a third of two cores while it does. 0 measures from a cold JIT, as the runs before 2026-12-02 did.
        int warmUp = args.length > 5 ? Integer.parseInt(args[5]) : DEFAULT_WARM_UP_SECONDS;
        System.out.printf("machine: %d cores, max heap %d MiB, java %s, %s; load %s%n",
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
                System.getProperty("java.version"), System.getProperty("os.name"), LoadAverage.now());
        int status = 0;
        try {
            status = run(rooms, perRoom, rate, seconds, batch, warmUp) ? 0 : 2;
        } catch (Exception | Error e) {
            e.printStackTrace();
            status = 1;
        }
        System.exit(status); // DynamoDB Local leaves non-daemon threads behind
    }

    static boolean run(int rooms, int perRoom, int rate, int seconds, int fanOutBatch, int warmUpSeconds)
            throws Exception {
        var calls = new CallCounter();
        var capacity = new CapacityCounter();
        var fanOutNanos = new LongAdder();
        var invocations = new LongAdder();
        var settings = FanOutBenchmark.benchSettings().withFanOutBatch(fanOutBatch);
        String membersCache = System.getenv("PULSE_MEMBERS_CACHE_MS");
        if (membersCache != null) {
            settings = settings.withHandlerSetting("PULSE_MEMBERS_CACHE_MS", membersCache);
        }
        try (var system = LocalSystem.start(settings, List.of(calls, capacity), nanos -> {
            fanOutNanos.add(nanos);
            invocations.increment();
        })) {
            try (var clients = new ClientProcess("2g", ThroughputClients.class, List.of(system.webSocketUri().toString(),
                    Integer.toString(rooms), Integer.toString(perRoom), WORKSPACE, settings.jwtSecret(), settings.jwtIssuer(),
                    settings.jwtAudience()))) {
                long opening = System.nanoTime();
                clients.expect("READY");
                System.out.printf("opened and joined %,d connections in %.1f s%n", rooms * perRoom,
                        (System.nanoTime() - opening) / 1e9);

                var eventBridge = system.eventBridgeClient();
                // Warm-up (k = -1: in the clients' once-only and seq checks, not in the measurement): one event per
                // room, then the same load as measured for warmUpSeconds, until all of it is delivered.
                for (int r = 0; r < rooms; r += 10) {
                    var batch = new ArrayList<PutEventsRequestEntry>();
                    for (int i = r; i < Math.min(rooms, r + 10); i++) {
                        batch.add(entry(i, -1));
                    }
                    eventBridge.putEvents(b -> b.entries(batch));
                }
                long warming = System.nanoTime();
                publish(eventBridge, rooms, rate, rate * warmUpSeconds, k -> -1);
                if (!system.awaitDeliveries(Duration.ofSeconds(180))) {
                    throw new IllegalStateException("the warm-up was not delivered within 180 s");
                }
                if (warmUpSeconds > 0) {
                    System.out.printf("warm-up           %,d events at %d/s for %d s, delivered in %.1f s%n",
                            rate * warmUpSeconds, rate, warmUpSeconds, (System.nanoTime() - warming) / 1e9);
                }
                calls.reset();
                capacity.reset();
                fanOutNanos.reset();
                invocations.reset();
                String loadBefore = LoadAverage.now();
                var cpu = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                long cpuBefore = cpu.getProcessCpuTime();

                int total = rate * seconds;
                long startMicros = BenchClients.nowMicros();
                long start = System.nanoTime();
                publish(eventBridge, rooms, rate, total, k -> k);
                double publishSeconds = (System.nanoTime() - start) / 1e9;
                clients.send("EXPECT " + total + " 180");
                String result = clients.expect("RESULT");
                system.awaitDeliveries(Duration.ofSeconds(60));
                long cpuNanos = cpu.getProcessCpuTime() - cpuBefore;
                var r = parse(result);
                double drainSeconds = (r.get("lastReceiptMicros") - startMicros) / 1e6;
                long expected = (long) total * perRoom;
                boolean once = r.get("delivered") == expected && r.get("duplicates") == 0;
                boolean ordered = r.get("gaps") == 0 && r.get("epochChanges") == 0;

                System.out.printf("%n== %d rooms × %d clients, %,d events at %d/s for %d s (published in %.1f s) after %d s of"
                                + " warm-up, %s ==%n",
                        rooms, perRoom, total, rate, seconds, publishSeconds, warmUpSeconds,
                        fanOutBatch == 0 ? "one event per fan-out invocation" : "fan-out queue, batches of up to " + fanOutBatch);
                System.out.printf("delivered         %,d of %,d deliveries, duplicates %d, seqs missing %d, epoch changes %d"
                                + " -> %s (arrived after a higher seq: %,d)%n",
                        r.get("delivered"), expected, r.get("duplicates"), r.get("gaps"), r.get("epochChanges"),
                        once && ordered ? "every event once, gap-free" : "FAILED", r.get("outOfOrder"));
                System.out.printf("rate delivered    %.0f events/s (last delivery %.2f s after the first publish)%n",
                        total / drainSeconds, drainSeconds);
                System.out.printf("publish→receive   p50 %.1f ms   p99 %.1f ms   max %.1f ms%n",
                        r.get("p50us") / 1000.0, r.get("p99us") / 1000.0, r.get("maxus") / 1000.0);
                calls.snapshot().forEach((op, count) ->
                        System.out.printf("calls per event   %-45s %8.3f%n", op, count / (double) total));
                System.out.printf("DynamoDB units    %.2f WCU + %.2f RCU per event (as DynamoDB Local reports them; failed"
                        + " conditional rounds not included)%n", capacity.writes() / total, capacity.reads() / total);
                System.out.printf("fan-out time      %.2f ms per event (invocation wall time; %d invocations, %.1f events each)%n",
                        fanOutNanos.sum() / 1e6 / total, invocations.sum(), total / (double) Math.max(1, invocations.sum()));
                System.out.printf("server CPU        %.2f ms per event (the whole local stack's JVM: handlers, DynamoDB"
                        + " Local, emulator, bus)%n", cpuNanos / 1e6 / total);
                System.out.printf("load average      before %s, after %s%n", loadBefore, LoadAverage.now());
                clients.send("STOP");
                return once && ordered;
            }
        }
    }

    /** Puts {@code total} events at {@code rate} per second, ten per PutEvents, rooms round robin. */
    private static void publish(software.amazon.awssdk.services.eventbridge.EventBridgeClient eventBridge, int rooms,
                                int rate, int total, java.util.function.IntUnaryOperator label)
            throws InterruptedException {
        long start = System.nanoTime();
        try (var puts = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int k = 0; k < total; ) {
                long due = Math.min(total, (System.nanoTime() - start) * rate / 1_000_000_000L);
                while (k < due) {
                    var batch = new ArrayList<PutEventsRequestEntry>(10);
                    while (k < due && batch.size() < 10) {
                        batch.add(entry(k % rooms, label.applyAsInt(k)));
                        k++;
                    }
                    puts.execute(() -> eventBridge.putEvents(b -> b.entries(batch)));
                }
                Thread.sleep(5);
            }
        }
    }

    private static PutEventsRequestEntry entry(int room, int k) {
        var detail = Json.object()
                .put("envelope", "pulse.v1")
                .put("eventId", UUID.randomUUID().toString())
                .put("workspaceId", WORKSPACE)
                .put("publishedAt", Instant.now().toString())
                .put("correlationId", UUID.randomUUID().toString());
        var targets = detail.putObject("targets");
        targets.put("workspace", false);
        targets.putArray("users");
        targets.putArray("rooms").add("project:r" + room);
        detail.putObject("data").put("k", k).put("t", BenchClients.nowMicros());
        return PutEventsRequestEntry.builder().source("bench").detailType("bench.tick").eventBusName("default")
                .detail(detail.toString()).build();
    }

    private static Map<String, Long> parse(String result) {
        var values = new java.util.HashMap<String, Long>();
        for (var part : result.substring("RESULT ".length()).split(" ")) {
            var kv = part.split("=");
            values.put(kv[0], Long.parseLong(kv[1]));
        }
        return values;
    }
}
