package dev.pulse.local.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** One benchmark client over the stock java.net.http WebSocket: sends a request frame and waits for its reply. */
final class BenchSocket implements WebSocket.Listener {
    volatile WebSocket socket;
    private final StringBuilder partial = new StringBuilder();
    private volatile String awaitedId;
    private volatile CompletableFuture<String> reply;
    final AtomicInteger frames = new AtomicInteger();

    void open(HttpClient http, URI uri) throws Exception {
        socket = http.newWebSocketBuilder().buildAsync(uri, this).get(30, TimeUnit.SECONDS);
    }

    /** Sends the frame and waits for the reply with that id; fails unless it is ok. */
    void request(String frame, String id) throws Exception {
        String answer = exchange(frame, id);
        if (!answer.contains("\"ok\":true")) {
            throw new IllegalStateException("request " + id + " failed: " + answer);
        }
    }

    /** Sends the frame and returns the reply with that id, whatever it says. */
    String exchange(String frame, String id) throws Exception {
        awaitedId = "\"id\":\"" + id + "\"";
        reply = new CompletableFuture<>();
        socket.sendText(frame, true).join();
        return reply.get(30, TimeUnit.SECONDS);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String frame = partial.toString();
            partial.setLength(0);
            frames.incrementAndGet();
            String id = awaitedId;
            if (id != null && frame.startsWith("{\"type\":\"reply\"") && frame.contains(id)) {
                reply.complete(frame);
            }
        }
        webSocket.request(1);
        return null;
    }
}
