package dev.pulse.local.bench;

import dev.pulse.auth.TokenIssuer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The benchmark's client side, in its own process (a process may hold only so many sockets, and the
 * system under test should not share a JVM with its load). Opens N real WebSocket connections, prints
 * {@code READY}, then for every {@code EXPECT <marker>} line on stdin waits until every client got the
 * event carrying that marker and prints {@code GOT <marker> <receipt instants in epoch µs, comma-separated>}.
 * Both processes read the same system clock, so the parent subtracts its publish instant.
 */
public final class BenchClients {
    private BenchClients() {
    }

    /** Arguments: ws-uri count workspace jwt-secret issuer audience. */
    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        int count = Integer.parseInt(args[1]);
        String workspace = args[2];
        var tokens = new TokenIssuer(args[3], args[4], args[5]);

        // Several HttpClients spread the sockets over several selector threads.
        var https = new ArrayList<HttpClient>();
        for (int i = 0; i < 4; i++) {
            https.add(HttpClient.newHttpClient());
        }
        var clients = new ArrayList<Client>(count);
        var opening = new Semaphore(200);
        var futures = new ArrayList<CompletableFuture<WebSocket>>(count);
        for (int i = 0; i < count; i++) {
            var client = new Client();
            clients.add(client);
            String token = tokens.issue("u" + i, workspace, Duration.ofHours(1));
            opening.acquire();
            futures.add(https.get(i % https.size()).newWebSocketBuilder()
                    .buildAsync(URI.create(uri + "?token=" + token), client)
                    .whenComplete((ws, error) -> opening.release()));
        }
        for (var future : futures) {
            future.get(120, TimeUnit.SECONDS);
        }
        System.out.println("READY " + count);
        System.out.flush();

        var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (!line.startsWith("EXPECT ")) {
                break;
            }
            String marker = line.substring(7);
            var remaining = new AtomicInteger(count);
            var all = new CompletableFuture<Void>();
            for (var c : clients) {
                c.expect(marker, remaining, all);
            }
            System.out.println("ARMED " + marker);
            System.out.flush();
            all.get(120, TimeUnit.SECONDS);
            long[] micros = new long[count];
            for (int i = 0; i < count; i++) {
                micros[i] = clients.get(i).receivedAtMicros;
            }
            StringBuilder out = new StringBuilder("GOT ").append(marker).append(' ');
            out.append(String.join(",", Arrays.stream(micros).mapToObj(Long::toString).toList()));
            System.out.println(out);
            System.out.flush();
        }
        System.exit(0);
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    private static final class Client implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();
        private volatile String marker;
        private volatile AtomicInteger remaining;
        private volatile CompletableFuture<Void> all;
        volatile long receivedAtMicros;

        void expect(String marker, AtomicInteger remaining, CompletableFuture<Void> all) {
            this.remaining = remaining;
            this.all = all;
            this.marker = marker;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String awaited = marker;
                if (awaited != null && partial.indexOf(awaited) >= 0) {
                    receivedAtMicros = nowMicros();
                    marker = null;
                    if (remaining.decrementAndGet() == 0) {
                        all.complete(null);
                    }
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }
    }
}
