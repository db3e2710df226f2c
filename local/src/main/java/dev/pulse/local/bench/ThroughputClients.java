package dev.pulse.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.auth.TokenIssuer;
import dev.pulse.protocol.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The throughput benchmark's clients, in their own process: R rooms × C real WebSocket connections, client i in room
 * {@code project:r<i mod R>}. Each checks what a client of the protocol must be able to rely on: every event of its
 * room arrives once, the seqs it got are gap-free (every one from the first to the last, each once) and the epoch stays
 * the same (PROTOCOL §6.1). Events of one room are posted by concurrent fan-outs, so they may arrive out of seq order
 * (counted apart: a client that needs order holds a frame until the seqs before it arrived, §8.3). Prints
 * {@code READY}; then, told {@code EXPECT <events published> <rooms>}, waits (bounded) until every client has its
 * room's share and prints {@code RESULT} with the counts and per-delivery latencies (publish instant in the event's
 * data; both processes read the same clock).
 */
public final class ThroughputClients {
    private ThroughputClients() {
    }

    /** Arguments: ws-uri rooms per-room workspace jwt-secret issuer audience. */
    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        int rooms = Integer.parseInt(args[1]);
        int perRoom = Integer.parseInt(args[2]);
        var tokens = new TokenIssuer(args[4], args[5], args[6]);
        var https = new ArrayList<HttpClient>();
        for (int i = 0; i < 4; i++) {
            // The listeners run on the client's selector thread: they never block, and handing each frame to a
            // worker thread (the default executor) cost these 1,000 clients more CPU than anything they do with it,
            // CPU the measured stack shares on a small machine.
            https.add(HttpClient.newBuilder().executor(Runnable::run).build());
        }
        var clients = new ArrayList<Client>();
        var opening = new Semaphore(100);
        var joined = new ArrayList<CompletableFuture<Void>>();
        for (int i = 0; i < rooms * perRoom; i++) {
            var client = new Client(i % rooms);
            clients.add(client);
            opening.acquire();
            String token = tokens.issue("u" + i, args[3], Duration.ofHours(1));
            https.get(i % https.size()).newWebSocketBuilder().buildAsync(URI.create(uri + "?token=" + token), client)
                    .thenAccept(ws -> ws.sendText("{\"action\":\"room.join\",\"id\":\"j\",\"data\":{\"room\":\"project:r"
                            + client.room + "\"}}", true))
                    .whenComplete((v, e) -> {
                        if (e != null) {
                            client.joined.completeExceptionally(e);
                        }
                    });
            client.joined.whenComplete((v, e) -> opening.release());
            joined.add(client.joined);
        }
        for (var j : joined) {
            j.get(120, TimeUnit.SECONDS);
        }
        System.out.println("READY " + clients.size());
        System.out.flush();

        var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line = in.readLine();
        if (line == null || !line.startsWith("EXPECT ")) {
            System.exit(1);
        }
        var parts = line.split(" ");
        long total = Long.parseLong(parts[1]);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(parts[2]));
        for (var c : clients) {
            long share = total / rooms + (c.room < total % rooms ? 1 : 0);
            synchronized (c) {
                while (c.measured < share && System.nanoTime() < deadline) {
                    c.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                }
            }
        }
        long delivered = 0;
        long duplicates = 0;
        long gaps = 0;
        long outOfOrder = 0;
        long epochChanges = 0;
        long last = 0;
        long fewest = Long.MAX_VALUE;
        var latencies = new ArrayList<long[]>();
        for (var c : clients) {
            synchronized (c) {
                delivered += c.measured;
                duplicates += c.duplicates;
                // Seqs missing between the first and the last this client got.
                int first = c.seqs.nextSetBit(0);
                gaps += first < 0 ? 0 : (c.seqs.length() - first) - c.seqs.cardinality();
                outOfOrder += c.outOfOrder;
                epochChanges += c.epochChanges;
                last = Math.max(last, c.lastReceiptMicros);
                fewest = Math.min(fewest, c.measured);
                latencies.add(Arrays.copyOf(c.latencies, c.measured));
            }
        }
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        System.out.printf("RESULT delivered=%d duplicates=%d gaps=%d outOfOrder=%d epochChanges=%d fewestPerClient=%d"
                        + " lastReceiptMicros=%d p50us=%d p99us=%d maxus=%d%n", delivered, duplicates, gaps, outOfOrder,
                epochChanges, fewest, last,
                pct(all, 50), pct(all, 99), pct(all, 100));
        System.out.flush();
        System.exit(0);
    }

    private static long pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return -1;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** One connection's checks; frames of one socket arrive one at a time, the totals are read under its lock. */
    private static final class Client implements WebSocket.Listener {
        final int room;
        final CompletableFuture<Void> joined = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private final Set<String> seen = new HashSet<>();
        private final java.util.BitSet seqs = new java.util.BitSet();
        private long lastSeq = -1;
        private String epoch;
        long outOfOrder;
        int measured;
        long duplicates;
        long epochChanges;
        long lastReceiptMicros;
        long[] latencies = new long[256];

        Client(int room) {
            this.room = room;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                long now = BenchClients.nowMicros();
                JsonNode frame;
                try {
                    frame = Json.MAPPER.readTree(partial.toString());
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("not JSON: " + partial, e);
                } finally {
                    partial.setLength(0);
                }
                String type = frame.path("type").asText();
                if ("reply".equals(type) && "j".equals(frame.path("id").asText())) {
                    if (frame.path("ok").asBoolean()) {
                        joined.complete(null);
                    } else {
                        joined.completeExceptionally(new IllegalStateException(frame.toString()));
                    }
                } else if ("event".equals(type)) {
                    event(frame, now);
                }
            }
            webSocket.request(1);
            return null;
        }

        private synchronized void event(JsonNode frame, long now) {
            if (!seen.add(frame.path("eventId").asText())) {
                duplicates++;
                return;
            }
            long seq = frame.path("seq").asLong();
            String frameEpoch = frame.path("epoch").asText();
            if (epoch != null && !epoch.equals(frameEpoch)) {
                epochChanges++;
            } else if (seq < lastSeq) {
                outOfOrder++;
            }
            if (seqs.get((int) seq)) {
                duplicates++; // one seq given to two events
            }
            seqs.set((int) seq);
            epoch = frameEpoch;
            lastSeq = Math.max(lastSeq, seq);
            var payload = frame.path("data");
            if (payload.path("k").asLong(-1) >= 0) {
                if (measured == latencies.length) {
                    latencies = Arrays.copyOf(latencies, measured * 2);
                }
                latencies[measured++] = now - payload.path("t").asLong();
                lastReceiptMicros = now;
                notifyAll();
            }
        }
    }
}
