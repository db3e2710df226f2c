package dev.pulse.local.bench;

import dev.pulse.config.Env;
import dev.pulse.local.LocalSettings;
import dev.pulse.local.LocalSystem;
import dev.pulse.model.Room;
import dev.pulse.store.MembershipStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A workspace's mass connect and mass disconnect on the local stack, presence off and on in one run: N raw WebSocket
 * clients of one workspace open in batches of 200 (as issue 15 measured), then
 * <ul>
 *   <li>the time to open all of them;</li>
 *   <li>the presence frames each client got until the room settled (no frame for 3 s after the last);</li>
 *   <li>N/2 of them close at once while a client of another workspace sends pings one after another, until every
 *       {@code $disconnect} has run and presence settled: the pings' send→reply p50/p99/max.</li>
 * </ul>
 * Presence off is {@code PULSE_PRESENCE_NAMESPACES=} (no presence rooms); on is the defaults (the workspace room has
 * presence, window {@code PULSE_PRESENCE_WINDOW_MS}, 1,500 ms).
 *
 * <p>Run: {@code ./pulse bench-presence 1000}.
 */
public final class PresenceBenchmark {
    private static final String WORKSPACE = "presence-bench";
    private static final int BATCH = 200;
    private static final int BYSTANDERS = 4;
    private static final Duration QUIET = Duration.ofSeconds(3);
    private static final Duration SETTLE_LIMIT = Duration.ofSeconds(300);

    public static void main(String[] args) throws Exception {
        int clients = args.length == 0 ? 1000 : Integer.parseInt(args[0]);
        int status = 0;
        try {
            System.out.printf("machine: %d cores, java %s, load %s%n", Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"), LoadAverage.now());
            var off = run(clients, false);
            var on = run(clients, true);
            System.out.printf("%n== summary, %d clients ==%n", clients);
            System.out.printf("open all: presence off %.1f s, on %.1f s (%.2fx)%n", off.openSeconds, on.openSeconds,
                    on.openSeconds / off.openSeconds);
            System.out.printf("presence frames per client until settled: off %.1f, on %.1f (max %d)%n",
                    off.framesPerClient, on.framesPerClient, on.maxFrames);
            System.out.printf("other tenant's pings during the mass disconnect: off p99 %.1f ms, on p99 %.1f ms (max %.1f)%n",
                    off.otherP99, on.otherP99, on.otherMax);
        } catch (Exception | Error e) {
            e.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }

    private record Result(double openSeconds, double framesPerClient, int maxFrames, double otherP99, double otherMax) {
    }

    private static Result run(int count, boolean presence) throws Exception {
        var settings = LocalSettings.ephemeral();
        if (!presence) {
            settings = settings.withHandlerSetting(Env.PRESENCE_NAMESPACES, "");
        }
        System.out.printf("%n######## presence %s ########%n", presence ? "on (defaults)" : "off (PULSE_PRESENCE_NAMESPACES=)");
        try (var system = LocalSystem.start(settings)) {
            var https = new ArrayList<HttpClient>();
            for (int i = 0; i < 4; i++) {
                https.add(HttpClient.newHttpClient());
            }
            var clients = new ArrayList<BenchSocket>(count);
            long started = System.nanoTime();
            for (int from = 0; from < count; from += BATCH) {
                var opening = new ArrayList<CompletableFuture<WebSocket>>();
                for (int i = from; i < Math.min(count, from + BATCH); i++) {
                    var client = new BenchSocket();
                    clients.add(client);
                    String token = system.tokens().issue("u" + i, WORKSPACE, Duration.ofHours(1));
                    opening.add(https.get(i % https.size()).newWebSocketBuilder()
                            .buildAsync(URI.create(system.webSocketUri() + "?token=" + token), client)
                            .thenApply(ws -> client.socket = ws));
                }
                for (var open : opening) {
                    open.get(300, TimeUnit.SECONDS);
                }
            }
            double openSeconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("opened %d clients in batches of %d: %.1f s%n", count, BATCH, openSeconds);
            double settleSeconds = settle(clients);
            int[] frames = clients.stream().mapToInt(c -> c.frames.get()).toArray();
            long total = Arrays.stream(frames).sum();
            int max = Arrays.stream(frames).max().orElse(0);
            System.out.printf("presence frames until settled (%.1f s after the last open): %d in all, %.1f per client, max %d%n",
                    settleSeconds, total, total / (double) count, max);

            // Another tenant keeps sending while half of this workspace leaves at once: a ping every 100 ms, taking
            // turns over 4 connections so none passes the ping limit (30 per 10 s).
            var others = new ArrayList<BenchSocket>();
            for (int i = 0; i < BYSTANDERS; i++) {
                var other = new BenchSocket();
                other.open(https.get(i % https.size()), URI.create(system.webSocketUri() + "?token="
                        + system.tokens().issue("bystander" + i, "other-tenant", Duration.ofHours(1))));
                other.request("{\"action\":\"ping\",\"id\":\"warm\"}", "warm");
                others.add(other);
            }
            var latencies = new ArrayList<Double>();
            var stop = new AtomicBoolean();
            var pinger = Thread.ofPlatform().start(() -> {
                for (int i = 0; !stop.get(); i++) {
                    long t = System.nanoTime();
                    try {
                        others.get(i % BYSTANDERS).request("{\"action\":\"ping\",\"id\":\"p" + i + "\"}", "p" + i);
                        Thread.sleep(100);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    synchronized (latencies) {
                        latencies.add((System.nanoTime() - t) / 1e6 - 100);
                    }
                }
            });
            clients.forEach(c -> c.frames.set(0));
            long closing = System.nanoTime();
            var leaving = clients.subList(0, count / 2);
            leaving.forEach(c -> c.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye"));
            // Until every $disconnect has run (the workspace room is down to the half that stayed) and presence settled.
            var memberships = new MembershipStore(system.services().dynamo(), LocalSystem.CONNECTIONS_TABLE,
                    java.time.Clock.systemUTC());
            long deadline = System.nanoTime() + SETTLE_LIMIT.toNanos();
            while (memberships.hasMoreMembersThan(Room.workspace(WORKSPACE), count - count / 2)
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            double disconnected = (System.nanoTime() - closing) / 1e9;
            settle(clients.subList(count / 2, count));
            stop.set(true);
            pinger.join(60_000);
            double[] sorted;
            synchronized (latencies) {
                sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            }
            int stayed = count - count / 2;
            long afterFrames = clients.subList(count / 2, count).stream().mapToLong(c -> c.frames.get()).sum();
            System.out.printf("closed %d at once: every $disconnect done after %.1f s, presence settled after %.1f s; "
                    + "%.1f presence frames per remaining client%n", count / 2, disconnected,
                    (System.nanoTime() - closing) / 1e9 - QUIET.toSeconds(), afterFrames / (double) stayed);
            double p99 = percentile(sorted, 0.99);
            double maxMs = sorted.length == 0 ? 0 : sorted[sorted.length - 1];
            System.out.printf("other tenant: %d pings meanwhile, p50 %.1f ms  p99 %.1f ms  max %.1f ms%n", sorted.length,
                    percentile(sorted, 0.5), p99, maxMs);
            clients.forEach(c -> c.socket.abort());
            others.forEach(o -> o.socket.abort());
            return new Result(openSeconds, total / (double) count, max, p99, maxMs);
        }
    }

    /** Waits until no client got a frame for {@link #QUIET}; returns the seconds that took, the quiet included. */
    private static double settle(List<BenchSocket> clients) throws InterruptedException {
        long started = System.nanoTime();
        long last = -1;
        long quietSince = System.nanoTime();
        while (System.nanoTime() - started < SETTLE_LIMIT.toNanos()) {
            long now = clients.stream().mapToLong(c -> c.frames.get()).sum();
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince >= QUIET.toNanos()) {
                break;
            }
            Thread.sleep(100);
        }
        return (System.nanoTime() - started) / 1e9;
    }

    private static double percentile(double[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * p) - 1)];
    }
}
