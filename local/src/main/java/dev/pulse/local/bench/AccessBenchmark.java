package dev.pulse.local.bench;

import com.sun.net.httpserver.HttpServer;
import dev.pulse.config.Env;
import dev.pulse.local.LocalSettings;
import dev.pulse.local.LocalSystem;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code room.join} under each access mode on the local stack (PROTOCOL §5.1): the time from sending the join to its
 * reply, and the DynamoDB and hook calls per join. The same connections join rooms of an {@code open}, a
 * {@code grant}, a {@code room-token} and a {@code hook} namespace; hook joins run twice, first uncached, then again
 * (a join is idempotent) within the answers' TTL. The hook is a real HTTP server on loopback that answers at once.
 *
 * <p>Run: {@code ./pulse bench-access 50 20} (connections, joins per connection and mode).
 */
public final class AccessBenchmark {
    private static final String WORKSPACE = "access-bench";
    private static final String HOOK_SECRET = "bench-hook-secret-0123456789abcdef0123";

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int joins = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int status = 0;
        try {
            run(connections, joins);
        } catch (Exception | Error e) {
            e.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }

    static void run(int connections, int joins) throws Exception {
        var hookCalls = new AtomicLong();
        var hook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        hook.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            hookCalls.incrementAndGet();
            byte[] body = "{\"allow\":true,\"ttlSeconds\":300}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        hook.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        hook.start();
        var counter = new CallCounter();
        var settings = LocalSettings.ephemeral()
                .withHandlerSetting(Env.ROOM_ACCESS, "open=open,granted=grant,tokened=room-token,hooked=hook")
                .withHandlerSetting(Env.ACCESS_HOOK_URL, "http://127.0.0.1:" + hook.getAddress().getPort() + "/access")
                .withHandlerSetting(Env.ACCESS_HOOK_SECRET, HOOK_SECRET)
                .withHandlerSetting(Env.RATE_LIMITS, "room.join=1000000/60s");
        try (var system = LocalSystem.start(settings, List.of(counter))) {
            counter.countingPostsAt(system.gateway());
            var http = HttpClient.newHttpClient();
            var sockets = new ArrayList<BenchSocket>();
            for (int i = 0; i < connections; i++) {
                var socket = new BenchSocket();
                String token = system.tokens().issueWithGrants("u" + i, WORKSPACE, Duration.ofHours(1), List.of("granted:*"));
                socket.open(http, URI.create(system.webSocketUri() + "?token=" + token));
                sockets.add(socket);
            }
            // Warm-up: every mode once per connection, on rooms the measured joins do not use.
            measure(system, sockets, "open", 1, "w", counter, hookCalls, false);
            measure(system, sockets, "granted", 1, "w", counter, hookCalls, false);
            measure(system, sockets, "tokened", 1, "w", counter, hookCalls, false);
            measure(system, sockets, "hooked", 1, "w", counter, hookCalls, false);
            System.out.printf("machine: %d cores, java %s; %d connections × %d joins per mode%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), connections, joins);
            measure(system, sockets, "open", joins, "r", counter, hookCalls, true);
            measure(system, sockets, "granted", joins, "r", counter, hookCalls, true);
            measure(system, sockets, "tokened", joins, "r", counter, hookCalls, true);
            measure(system, sockets, "hooked", joins, "r", counter, hookCalls, true);
            measure(system, sockets, "hooked", joins, "r", counter, hookCalls, true); // the same joins again: cached
            sockets.forEach(s -> s.socket.abort());
        } finally {
            hook.stop(0);
        }
    }

    private static void measure(LocalSystem system, List<BenchSocket> sockets, String namespace, int joins, String prefix,
                                CallCounter counter, AtomicLong hookCalls, boolean report) throws Exception {
        counter.reset();
        long hookBefore = hookCalls.get();
        double[] millis = new double[sockets.size() * joins];
        int n = 0;
        for (int j = 0; j < joins; j++) {
            for (int c = 0; c < sockets.size(); c++) {
                String room = namespace + ":" + prefix + j;
                String id = namespace + "-" + prefix + j + "-" + c;
                String token = namespace.equals("tokened")
                        ? ",\"token\":\"" + system.tokens().issueRoomToken("u" + c, WORKSPACE, room, Duration.ofMinutes(10)) + "\""
                        : "";
                String frame = "{\"action\":\"room.join\",\"id\":\"" + id + "\",\"data\":{\"room\":\"" + room + "\"" + token + "}}";
                long start = System.nanoTime();
                sockets.get(c).request(frame, id);
                millis[n++] = (System.nanoTime() - start) / 1e6;
            }
        }
        if (!report) {
            return;
        }
        Map<String, Long> calls = counter.snapshot();
        Arrays.sort(millis);
        int total = n;
        System.out.printf("== %-8s %5d joins: send→reply p50 %.2f ms  p99 %.2f ms  hook calls per 1,000 joins %.0f%n",
                namespace, n, millis[n / 2], millis[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)],
                (hookCalls.get() - hookBefore) * 1000.0 / n);
        calls.forEach((op, count) -> System.out.printf("   calls per join %-45s %8.2f%n", op, count / (double) total));
    }
}
