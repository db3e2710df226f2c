package dev.pulse.local.bench;

import dev.pulse.local.LocalSettings;
import dev.pulse.local.LocalSystem;
import dev.pulse.publish.Publisher;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Fan-out benchmark on the local stack: N real WebSocket clients in one room (their workspace), events
 * published with the stock EventBridge SDK through the local bus, timed from just before PutEvents to each
 * client's receipt. Prints publish→receive p50/p99, time for one event to reach all, and the DynamoDB and
 * {@code @connections} calls per event, counted on the handlers' SDK clients.
 *
 * <p>Run: {@code ./pulse bench 1000 10000} (see docs/BENCHMARKS.md).
 */
public final class FanOutBenchmark {
    private static final String WORKSPACE = "bench";

    public static void main(String[] args) throws Exception {
        int[] sizes = args.length == 0 ? new int[] {1000, 10000} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        System.out.printf("machine: %d cores, max heap %d MiB, java %s%n", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"));
        for (int n : sizes) {
            run(n, n >= 5000 ? 5 : 20);
        }
        System.exit(0);
    }

    static void run(int connections, int events) throws Exception {
        var counter = new CallCounter();
        try (var system = LocalSystem.start(LocalSettings.ephemeral(), List.of(counter))) {
            var http = HttpClient.newHttpClient();
            var clients = connect(system, http, connections);
            var publisher = new Publisher(system.eventBridgeClient(), "default", "bench");

            measure(publisher, clients, 3); // warm-up: JIT, connection pools
            counter.reset();
            var result = measure(publisher, clients, events);
            Map<String, Long> calls = counter.snapshot();

            System.out.printf("%n== %,d connections in one room, %d events ==%n", connections, events);
            System.out.printf("publish→receive   p50 %7.1f ms   p99 %7.1f ms   max %7.1f ms%n",
                    pct(result.latencies, 50), pct(result.latencies, 99), pct(result.latencies, 100));
            System.out.printf("time to reach all median %7.1f ms   max %7.1f ms%n",
                    pct(result.reachAll, 50), pct(result.reachAll, 100));
            calls.forEach((op, count) -> System.out.printf("calls per event   %-40s %10.1f%n", op, count / (double) events));
            for (var c : clients) {
                c.socket.abort();
            }
        }
    }

    private static List<Client> connect(LocalSystem system, HttpClient http, int connections) throws Exception {
        var clients = new ArrayList<Client>(connections);
        var opening = new Semaphore(256);
        var futures = new ArrayList<CompletableFuture<WebSocket>>();
        long start = System.nanoTime();
        for (int i = 0; i < connections; i++) {
            var client = new Client();
            clients.add(client);
            String token = system.tokens().issue("u" + i, WORKSPACE, Duration.ofHours(1));
            opening.acquire();
            var future = http.newWebSocketBuilder()
                    .buildAsync(URI.create(system.webSocketUri() + "?token=" + token), client)
                    .whenComplete((ws, error) -> opening.release());
            futures.add(future);
        }
        for (int i = 0; i < connections; i++) {
            clients.get(i).socket = futures.get(i).get(60, TimeUnit.SECONDS);
        }
        System.out.printf("%nopened %,d connections in %.1f s%n", connections, (System.nanoTime() - start) / 1e9);
        return clients;
    }

    private static Result measure(Publisher publisher, List<Client> clients, int events) throws Exception {
        double[] latencies = new double[clients.size() * events];
        double[] reachAll = new double[events];
        for (int e = 0; e < events; e++) {
            var arrived = new CountDownLatch(clients.size());
            String marker = "m" + System.nanoTime();
            for (var c : clients) {
                c.expect(marker, arrived);
            }
            long t0 = System.nanoTime();
            publisher.event("bench.tick").toWorkspace(WORKSPACE).data(Map.of("marker", marker)).send();
            if (!arrived.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("only " + (clients.size() - arrived.getCount()) + " of " + clients.size()
                        + " clients received the event within 120 s");
            }
            long last = 0;
            for (int i = 0; i < clients.size(); i++) {
                long at = clients.get(i).receivedAt;
                latencies[e * clients.size() + i] = (at - t0) / 1e6;
                last = Math.max(last, at);
            }
            reachAll[e] = (last - t0) / 1e6;
        }
        return new Result(latencies, reachAll);
    }

    private static double pct(double[] values, int percentile) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private record Result(double[] latencies, double[] reachAll) {
    }

    /** A WebSocket client that timestamps the frame carrying the awaited marker. */
    private static final class Client implements WebSocket.Listener {
        volatile WebSocket socket;
        volatile String marker;
        volatile CountDownLatch latch;
        volatile long receivedAt;
        private final StringBuilder partial = new StringBuilder();

        void expect(String marker, CountDownLatch latch) {
            this.marker = marker;
            this.latch = latch;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                partial.setLength(0);
                String awaited = marker;
                if (awaited != null && frame.contains(awaited)) {
                    receivedAt = System.nanoTime();
                    marker = null;
                    latch.countDown();
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
