package dev.pulse.local.gateway;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A real java.net.http WebSocket client that collects whole text messages and the close frame it receives. */
final class TestClient implements WebSocket.Listener, AutoCloseable {
    record Close(int code, String reason) {
    }

    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final CompletableFuture<Void> opened = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket webSocket;

    static TestClient connect(HttpClient http, URI uri) throws Exception {
        return connect(http, uri, builder -> { });
    }

    static TestClient connect(HttpClient http, URI uri, Consumer<WebSocket.Builder> customizer) throws Exception {
        return connectAsync(http, uri, customizer).get(10, TimeUnit.SECONDS);
    }

    static CompletableFuture<TestClient> connectAsync(HttpClient http, URI uri, Consumer<WebSocket.Builder> customizer) {
        var client = new TestClient();
        WebSocket.Builder builder = http.newWebSocketBuilder();
        customizer.accept(builder);
        return builder.buildAsync(uri, client).thenApply(ws -> {
            client.webSocket = ws;
            return client;
        });
    }

    WebSocket webSocket() {
        return webSocket;
    }

    CompletableFuture<Void> opened() {
        return opened;
    }

    void send(String text) throws Exception {
        webSocket.sendText(text, true).get(10, TimeUnit.SECONDS);
    }

    /** One message as frames of {@code frameChars} characters (ASCII text: characters are bytes). */
    void sendFragmented(String text, int frameChars) throws Exception {
        for (int start = 0; start < text.length(); start += frameChars) {
            int end = Math.min(text.length(), start + frameChars);
            webSocket.sendText(text.substring(start, end), end == text.length()).get(10, TimeUnit.SECONDS);
        }
    }

    void sendBinary(byte[] bytes) throws Exception {
        webSocket.sendBinary(ByteBuffer.wrap(bytes), true).get(10, TimeUnit.SECONDS);
    }

    String nextMessage() throws InterruptedException {
        String message = messages.poll(10, TimeUnit.SECONDS);
        assertNotNull(message, "no message arrived");
        return message;
    }

    String pollMessage(long millis) throws InterruptedException {
        return messages.poll(millis, TimeUnit.MILLISECONDS);
    }

    Close awaitClose() throws Exception {
        return closed.get(10, TimeUnit.SECONDS);
    }

    boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        opened.complete(null);
        webSocket.request(Long.MAX_VALUE);
    }

    @Override
    public synchronized CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            messages.add(partial.toString());
            partial.setLength(0);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Close(statusCode, reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.completeExceptionally(error);
    }

    @Override
    public void close() {
        if (webSocket != null && !webSocket.isOutputClosed()) {
            webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(5, TimeUnit.SECONDS).exceptionally(x -> null).join();
        }
        if (webSocket != null) {
            webSocket.abort();
        }
    }
}
