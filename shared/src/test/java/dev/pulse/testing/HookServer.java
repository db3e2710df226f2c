package dev.pulse.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A real HTTP server on loopback standing in for an app's access hook or introspection endpoint: each request is
 * recorded (body and headers) and answered by the test's function, which can also stall or fail.
 */
public final class HookServer implements AutoCloseable {
    /** One request as received. */
    public record Request(String body, String timestamp, String signature, String authorization) {
    }

    /** What to answer: a status and a body, after an optional stall. */
    public record Answer(int status, String body, long stallMillis) {
        public static Answer json(String body) {
            return new Answer(200, body, 0);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile Function<Request, Answer> answers;

    public HookServer(Function<Request, Answer> answers) throws IOException {
        this.answers = answers;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        var request = new Request(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                exchange.getRequestHeaders().getFirst("X-Pulse-Timestamp"),
                exchange.getRequestHeaders().getFirst("X-Pulse-Signature"),
                exchange.getRequestHeaders().getFirst("Authorization"));
        requests.add(request);
        var answer = answers.apply(request);
        if (answer.stallMillis() > 0) {
            try {
                Thread.sleep(answer.stallMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }

    public void answer(Function<Request, Answer> answers) {
        this.answers = answers;
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/access");
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
