package dev.pulse.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.config.Env;
import dev.pulse.local.LocalSettings;
import dev.pulse.local.LocalSystem;
import dev.pulse.protocol.Json;
import dev.pulse.publish.PublishRequest;
import dev.pulse.publish.Publisher;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Replay benchmark on the local stack: a client in {@code rooms} rooms disconnects, {@code events} events are
 * published across those rooms while it is away, it reconnects and sends one {@code sync.request} with its
 * positions. Prints the time from sending the request to its reply (all {@code sync} frames and the
 * {@code sync.state} come before the reply, so this bounds the server's time from above), the frames and
 * bytes received, and the DynamoDB calls made for the sync and, per event per room, for logging.
 *
 * <p>Run (after {@code mvn -o -q -DskipTests -pl local -am compile} and building the class path as
 * {@code ./pulse bench} does): {@code java -cp … dev.pulse.local.bench.SyncBenchmark 1000 10 5}
 * (events, rooms, repetitions).
 */
public final class SyncBenchmark {
    private static final String WORKSPACE = "syncbench";

    public static void main(String[] args) throws Exception {
        int[] a = args.length == 0 ? new int[] {1000, 10, 5} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        int status = 0;
        try {
            run(a[0], a[1], a[2]);
        } catch (Exception | Error e) {
            e.printStackTrace();
            status = 1;
        }
        System.exit(status); // DynamoDB Local leaves non-daemon threads behind
    }

    static void run(int events, int rooms, int repetitions) throws Exception {
        var counter = new CallCounter();
        // The client joins every room and syncs each run: lift the per-connection join and sync limits.
        var settings = LocalSettings.ephemeral()
                .withHandlerSetting(Env.RATE_LIMITS, "room.join=1000/60s,sync.request=1000/30s");
        try (var system = LocalSystem.start(settings, List.of(counter))) {
            counter.countingPostsAt(system.gateway());
            var publisher = new Publisher(system.eventBridgeClient(), "default", "bench.sync");
            String token = system.tokens().issue("u1", WORKSPACE, Duration.ofMinutes(30));
            URI uri = URI.create(system.webSocketUri() + "?token=" + token);

            var away = Client.open(uri);
            for (int r = 0; r < rooms; r++) {
                away.request("room.join", Json.object().put("room", "chat:" + r));
            }
            away.socket.sendClose(WebSocket.NORMAL_CLOSURE, "away").join();

            counter.reset();
            var batch = new ArrayList<PublishRequest>();
            for (int i = 0; i < events; i++) {
                batch.add(publisher.event("chat.message").toRoom(WORKSPACE, "chat:" + (i % rooms))
                        .data(Map.of("n", i, "text", "message number " + i)));
            }
            publisher.sendAll(batch);
            if (!system.awaitDeliveries(Duration.ofMinutes(5))) {
                throw new IllegalStateException("deliveries did not finish");
            }
            var logging = counter.snapshot();
            System.out.printf("logged %,d events across %d rooms; DynamoDB calls per event per room while logging: %s%n",
                    events, rooms, perEvent(logging, events));

            var back = Client.open(uri);
            for (int r = 0; r < rooms; r++) {
                back.request("room.join", Json.object().put("room", "chat:" + r));
            }
            var positions = Json.object();
            for (int r = 0; r < rooms; r++) {
                positions.putObject("chat:" + r).put("seq", 0);
            }
            var request = Json.object();
            request.set("positions", positions);
            for (int rep = 1; rep <= repetitions; rep++) {
                back.frames.clear();
                counter.reset();
                long start = System.nanoTime();
                JsonNode reply = back.request("sync.request", request);
                double millis = (System.nanoTime() - start) / 1e6;
                int syncFrames = 0;
                int replayed = 0;
                long bytes = 0;
                for (String frame : back.frames) {
                    var node = Json.MAPPER.readTree(frame);
                    if ("sync".equals(node.path("type").asText())) {
                        syncFrames++;
                        replayed += node.path("events").size();
                        bytes += frame.length();
                    }
                }
                System.out.printf("sync #%d: %,d events in %d sync frames (%,d bytes) in %.1f ms (reply %s); DynamoDB calls %s%n",
                        rep, replayed, syncFrames, bytes, millis, reply.path("data"), counter.snapshot());
            }
        }
    }

    private static String perEvent(Map<String, Long> calls, int events) {
        var out = new StringBuilder();
        calls.forEach((op, n) -> {
            if (op.startsWith("DynamoDb.")) {
                out.append(op).append('=').append(String.format("%.2f", n / (double) events)).append(' ');
            }
        });
        return out.toString().trim();
    }

    /** A WebSocket client that keeps every text frame and answers request/reply by id. */
    private static final class Client implements WebSocket.Listener {
        private final BlockingQueue<String> incoming = new LinkedBlockingQueue<>();
        private final List<String> frames = new ArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;
        private int ids;

        static Client open(URI uri) {
            var client = new Client();
            client.socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, client).join();
            return client;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                incoming.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        JsonNode request(String action, JsonNode data) throws Exception {
            String id = "b" + (++ids);
            var frame = Json.object().put("action", action).put("id", id);
            frame.set("data", data);
            socket.sendText(frame.toString(), true).join();
            while (true) {
                String text = incoming.poll(60, TimeUnit.SECONDS);
                if (text == null) {
                    throw new IllegalStateException("no reply to " + action);
                }
                var node = Json.MAPPER.readTree(text);
                if ("reply".equals(node.path("type").asText()) && id.equals(node.path("id").asText())) {
                    if (!node.path("ok").asBoolean()) {
                        throw new IllegalStateException(action + " failed: " + node);
                    }
                    return node;
                }
                frames.add(text);
            }
        }
    }
}
