package dev.pulse.local.gateway;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.StatusCode;

/**
 * The {@code @connections} API at {@code /STAGE/@connections/{id}}, wire-compatible with the stock
 * {@code ApiGatewayManagementApiClient}: POST sends the raw body as one text frame (200), GET describes the
 * connection (200), DELETE closes it (204). Errors carry {@code x-amzn-ErrorType}, which is what the SDK maps
 * to exception classes (GoneException for 410), not the status code. Every call must be SigV4-signed for
 * {@code execute-api} with the gateway's credentials and region ({@link SigV4Verifier}); anything else is 403
 * before the connection id is even looked at, so an id alone reaches nothing.
 */
final class ManagementApi extends Handler.Abstract {
    private static final String ERROR_TYPE = "x-amzn-ErrorType";

    private final String pathPrefix;
    private final String encodedPathPrefix;
    private final int maxMessageBytes;
    private final Connections connections;
    private final SigV4Verifier signatures;
    private volatile PostFaults faults = PostFaults.NONE;
    private final LongAdder posts = new LongAdder();

    ManagementApi(String stage, int maxMessageBytes, Connections connections, SigV4Verifier signatures) {
        this.pathPrefix = "/" + stage + "/@connections/";
        this.encodedPathPrefix = "/" + stage + "/%40connections/";
        this.maxMessageBytes = maxMessageBytes;
        this.connections = connections;
        this.signatures = signatures;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        // The raw path: the id's '=', '+' and '/' arrive percent-encoded and must be decoded exactly once, by us.
        String path = request.getHttpURI().getPath();
        String rawId;
        if (path.startsWith(pathPrefix)) {
            rawId = path.substring(pathPrefix.length());
        } else if (path.startsWith(encodedPathPrefix)) {
            rawId = path.substring(encodedPathPrefix.length());
        } else {
            return false;
        }
        // UUID.randomUUID() would serialise every post on one SecureRandom; uniqueness is all that matters here.
        var random = ThreadLocalRandom.current();
        response.getHeaders().put("x-amzn-RequestId", new UUID(random.nextLong(), random.nextLong()).toString());
        // The body is read before any answer, refusals included: answering with request content still unread
        // makes Jetty close the connection behind the back of a client that pools it (see PutEventsHandler). It is
        // read without blocking a thread: a post's small body has usually arrived with its head, and then this
        // completes at once, on this thread.
        Content.Source.asByteArrayAsync(request, maxMessageBytes).whenComplete((body, failure) -> {
            if (failure != null) {
                // Over the limit (or the client went away): the rest stays unread, so this connection cannot
                // carry another request.
                response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
                tooLarge(response, callback);
                return;
            }
            answer(request, rawId, body, response, callback);
        });
        return true;
    }

    private void answer(Request request, String rawId, byte[] body, Response response, Callback callback) {
        try {
            signatures.verify(request, body);
        } catch (SignatureRefused refused) {
            error(response, callback, 403, refused.errorType(), jsonString(refused.getMessage()));
            return;
        }
        String id = percentDecode(rawId);
        if (id == null || id.isEmpty()) {
            error(response, callback, 400, "BadRequestException", "\"Invalid connection id\"");
            return;
        }
        switch (request.getMethod()) {
            case "POST" -> post(id, body, response, callback);
            case "GET" -> get(id, response, callback);
            case "DELETE" -> delete(id, response, callback);
            default -> {
                response.getHeaders().put(HttpHeader.ALLOW, "GET, POST, DELETE");
                error(response, callback, 405, "MethodNotAllowedException", "\"Method not allowed\"");
            }
        }
    }

    /** Test-only: see {@link PostFaults}. */
    void failPosts(PostFaults faults) {
        this.faults = faults == null ? PostFaults.NONE : faults;
    }

    /** POSTs signed correctly so far, whatever became of them (what a benchmark counts as PostToConnection calls). */
    long posts() {
        return posts.sum();
    }

    private void post(String id, byte[] body, Response response, Callback callback) {
        posts.increment();
        int fault = faults.statusFor(id);
        if (fault == 429) {
            error(response, callback, 429, "LimitExceededException", "\"Rate exceeded\"");
            return;
        }
        if (fault >= 500 && fault <= 599) {
            error(response, callback, fault, "InternalServerErrorException", "\"Internal server error\"");
            return;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            error(response, callback, 400, "BadRequestException", "\"Message must be UTF-8 text\"");
            return;
        }
        GatewayConnection connection = connections.get(id);
        if (connection == null) {
            gone(response, callback);
            return;
        }
        // Answer once the frame is written: a socket that died meanwhile yields 410, as on AWS.
        connection.send(text, org.eclipse.jetty.websocket.api.Callback.from(
                () -> {
                    response.setStatus(200);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0L);
                    callback.succeeded();
                },
                failure -> gone(response, callback)));
    }

    private void get(String id, Response response, Callback callback) {
        GatewayConnection connection = connections.get(id);
        if (connection == null) {
            gone(response, callback);
            return;
        }
        String json = "{\"connectedAt\":\"" + iso(connection.connectedAt())
                + "\",\"identity\":{\"sourceIp\":" + jsonString(connection.sourceIp())
                + ",\"userAgent\":" + jsonString(connection.userAgent())
                + "},\"lastActiveAt\":\"" + iso(connection.lastActiveAt()) + "\"}";
        write(response, callback, 200, json);
    }

    private void delete(String id, Response response, Callback callback) {
        GatewayConnection connection = connections.remove(id);
        if (connection == null) {
            gone(response, callback);
            return;
        }
        // $disconnect follows from the socket's close, exactly once, like every other way a connection ends.
        connection.close(StatusCode.NORMAL, null);
        response.setStatus(204);
        callback.succeeded();
    }

    private void tooLarge(Response response, Callback callback) {
        error(response, callback, 413, "PayloadTooLargeException",
                "\"Message exceeds the maximum of " + maxMessageBytes + " bytes\"");
    }

    private static void gone(Response response, Callback callback) {
        error(response, callback, 410, "GoneException", "null");
    }

    private static void error(Response response, Callback callback, int status, String type, String messageJson) {
        response.getHeaders().put(ERROR_TYPE, type);
        write(response, callback, status, "{\"message\":" + messageJson + "}");
    }

    private static void write(Response response, Callback callback, int status, String json) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        Content.Sink.write(response, true, json, callback);
    }

    private static String iso(long epochMillis) {
        return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(epochMillis));
    }

    private static String jsonString(String value) {
        if (value == null) {
            return "null";
        }
        var out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** Strict path decoding: '+' stays '+' (it is not a space in a path), and a bad escape is an error (null). */
    static String percentDecode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        var bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    return null;
                }
                int high = Character.digit(raw.charAt(i + 1), 16);
                int low = Character.digit(raw.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    return null;
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
