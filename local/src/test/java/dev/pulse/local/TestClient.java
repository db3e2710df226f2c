package dev.pulse.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/** A real WebSocket client (java.net.http) that queues every frame it receives, for end-to-end tests. */
final class TestClient implements WebSocket.Listener, AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final List<JsonNode> seen = new ArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private final AtomicInteger ids = new AtomicInteger();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private WebSocket socket;
    /**
     * Presence signals (presence.diff) arrive a window after anyone in the workspace connects, this client too: tests
     * of other features drop them so they can assert on exact frames. Presence tests keep them.
     */
    private final boolean keepPresence;

    TestClient() {
        this(false);
    }

    private TestClient(boolean keepPresence) {
        this.keepPresence = keepPresence;
    }

    static TestClient connect(URI uri) {
        return connect(uri, false);
    }

    private static TestClient connect(URI uri, boolean keepPresence) {
        var client = new TestClient(keepPresence);
        client.socket = HTTP.newWebSocketBuilder().buildAsync(uri, client).join();
        return client;
    }

    /** Opens a WebSocket with this token and expects the upgrade to be refused ($connect answers non-2xx). */
    static void refusedUpgrade(LocalSystem system, String token) {
        var upgrade = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(system.webSocketUri() + "?token=" + token), new WebSocket.Listener() { });
        var refusal = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.CompletionException.class,
                upgrade::join);
        org.junit.jupiter.api.Assertions.assertInstanceOf(java.net.http.WebSocketHandshakeException.class,
                refusal.getCause());
    }

    static TestClient connect(LocalSystem system, String token) {
        return connect(URI.create(system.webSocketUri() + "?token=" + token));
    }

    /** The token in {@code Authorization: Bearer}, for tokens too long for the URL's 4,096 characters. */
    static TestClient connectWithHeader(LocalSystem system, String token) {
        var client = new TestClient(false);
        client.socket = HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + token)
                .buildAsync(system.webSocketUri(), client).join();
        return client;
    }

    /** A client that also records presence signals. */
    static TestClient connectWithPresence(LocalSystem system, String token) {
        return connect(URI.create(system.webSocketUri() + "?token=" + token), true);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            try {
                var frame = Json.MAPPER.readTree(partial.toString());
                if (keepPresence || !isPresenceSignal(frame)) {
                    frames.add(frame);
                }
            } catch (Exception e) {
                frames.add(Json.object().put("type", "unparsable").put("text", partial.toString()));
            }
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    private static boolean isPresenceSignal(JsonNode frame) {
        return "event".equals(frame.path("type").asText()) && frame.path("event").asText().startsWith("presence.");
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.completeExceptionally(error);
    }

    void sendText(String text) {
        socket.sendText(text, true).join();
    }

    /**
     * One message as several WebSocket frames of {@code frameChars} characters each, as a client must send a
     * message over API Gateway's 32 KB frame limit. ASCII text only, so characters are bytes.
     */
    void sendFragmented(String text, int frameChars) {
        for (int start = 0; start < text.length(); start += frameChars) {
            int end = Math.min(text.length(), start + frameChars);
            socket.sendText(text.substring(start, end), end == text.length()).join();
        }
    }

    /** Sends a request with a fresh id and returns its reply frame (other frames stay queued). */
    JsonNode request(String action, JsonNode data) throws InterruptedException {
        String id = "r" + ids.incrementAndGet();
        var frame = Json.object().put("action", action).put("id", id);
        if (data != null) {
            frame.set("data", data);
        }
        sendText(frame.toString());
        return await(f -> "reply".equals(f.path("type").asText()) && id.equals(f.path("id").asText()));
    }

    JsonNode join(String room) throws InterruptedException {
        return request("room.join", Json.object().put("room", room));
    }

    String connectionId() throws InterruptedException {
        return request("connection.info", null).path("data").path("connectionId").asText();
    }

    /** The first frame (queued or arriving) that matches; fails after the wait. */
    JsonNode await(Predicate<JsonNode> match) throws InterruptedException {
        for (var it = seen.iterator(); it.hasNext(); ) {
            var frame = it.next();
            if (match.test(frame)) {
                it.remove();
                return frame;
            }
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode frame = left > 0 ? frames.poll(left, TimeUnit.NANOSECONDS) : null;
            if (frame == null) {
                throw new AssertionError("no matching frame within " + WAIT + "; other frames: " + seen);
            }
            if (match.test(frame)) {
                return frame;
            }
            seen.add(frame);
        }
    }

    JsonNode awaitEvent(String eventName) throws InterruptedException {
        return await(f -> "event".equals(f.path("type").asText()) && eventName.equals(f.path("event").asText()));
    }

    /** Every frame received so far and not yet consumed. */
    List<JsonNode> drain() {
        var all = new ArrayList<>(seen);
        seen.clear();
        frames.drainTo(all);
        return all;
    }

    void closeNormally() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
    }

    @Override
    public void close() {
        socket.abort();
    }
}
