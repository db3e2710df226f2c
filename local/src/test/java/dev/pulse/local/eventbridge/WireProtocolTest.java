package dev.pulse.local.eventbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.protocol.Json;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JSON 1.1 wire format seen from a plain HTTP client, for callers that do not use an AWS SDK. */
class WireProtocolTest {
    private final RecordingTarget target = new RecordingTarget();
    private LocalEventBus bus;
    private HttpClient http;

    @BeforeEach
    void start() {
        bus = LocalEventBus.builder().rule("all", "{\"source\":[{\"exists\":true}]}", target).build().start();
        http = HttpClient.newHttpClient();
    }

    @AfterEach
    void stop() {
        http.close();
        bus.close();
    }

    private HttpResponse<String> post(String target, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(bus.endpoint().resolve("/"))
                .header("Content-Type", "application/x-amz-json-1.1")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (target != null) {
            request.header("X-Amz-Target", target);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void putEventsAnswersInJson11() throws Exception {
        HttpResponse<String> response = post("AWSEvents.PutEvents",
                "{\"Entries\":[{\"Source\":\"s\",\"DetailType\":\"t\",\"Detail\":\"{\\\"a\\\":1}\",\"Time\":1767225600.5}]}");

        assertEquals(200, response.statusCode());
        assertEquals("application/x-amz-json-1.1", response.headers().firstValue("Content-Type").orElseThrow());
        JsonNode body = Json.MAPPER.readTree(response.body());
        assertEquals(0, body.get("FailedEntryCount").asInt());
        String id = body.get("Entries").get(0).get("EventId").asText();
        JsonNode event = target.next(java.time.Duration.ofSeconds(10));
        assertEquals(id, event.get("id").asText());
        assertEquals("2026-01-01T00:00:00Z", event.get("time").asText(), "epoch seconds, truncated to the second");
    }

    @Test
    void errorsUseTheJson11ErrorShape() throws Exception {
        assertAwsError(post("AWSEvents.ListRules", "{}"), 400, "UnknownOperationException");
        assertAwsError(post(null, "{}"), 400, "UnknownOperationException");
        assertAwsError(post("AWSEvents.PutEvents", "{not json"), 400, "SerializationException");
        assertAwsError(post("AWSEvents.PutEvents", "{}"), 400, "ValidationException");
        assertAwsError(post("AWSEvents.PutEvents", "{\"Entries\":[{\"Source\":5}]}"), 400, "SerializationException");
        assertAwsError(post("AWSEvents.PutEvents", "{\"Entries\":[{\"Source\":\"s\",\"Time\":\"soon\"}]}"), 400,
                "SerializationException");
    }

    /**
     * An error must not leave request content unread: Jetty would then close the connection after the answer
     * without announcing it, and a pooling client's next request would hit a closed socket (the CI flake
     * "header parser received no bytes"). {@code Expect: 100-continue} makes this observable without timing:
     * a server reads the body only after sending {@code 100 Continue}, so one that answers first never sends it.
     */
    @Test
    void errorsAreAnsweredAfterTheBodyIsReadAndTheConnectionStaysUsable() throws Exception {
        try (var socket = new Socket(bus.endpoint().getHost(), bus.endpoint().getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            var in = new BufferedInputStream(socket.getInputStream());
            out.write(ascii("POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: AWSEvents.ListRules\r\n"
                    + "Content-Type: application/x-amz-json-1.1\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n"));
            out.flush();
            assertEquals("HTTP/1.1 100 Continue", readHead(in).getFirst(), "the server must ask for the body first");
            out.write(ascii("{}"));
            out.flush();
            List<String> head = readHead(in);
            assertEquals("HTTP/1.1 400 Bad Request", head.getFirst());
            assertTrue(head.stream().noneMatch(h -> h.equalsIgnoreCase("Connection: close")), head.toString());
            readBody(in, head);

            // The same connection carries the next request, as a pooling client expects.
            out.write(ascii("POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: AWSEvents.PutEvents\r\n"
                    + "Content-Type: application/x-amz-json-1.1\r\nContent-Length: 2\r\n\r\n{}"));
            out.flush();
            head = readHead(in);
            assertEquals("HTTP/1.1 400 Bad Request", head.getFirst());
            assertTrue(new String(readBody(in, head), StandardCharsets.UTF_8).contains("ValidationException"));
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** The status line and header lines of one response, up to the blank line. */
    private static List<String> readHead(InputStream in) throws Exception {
        var lines = new ArrayList<String>();
        var line = new StringBuilder();
        for (int c; (c = in.read()) != -1; ) {
            if (c == '\n') {
                String text = line.toString().strip();
                if (text.isEmpty()) {
                    return lines;
                }
                lines.add(text);
                line.setLength(0);
            } else {
                line.append((char) c);
            }
        }
        throw new AssertionError("connection closed after " + lines);
    }

    private static byte[] readBody(InputStream in, List<String> head) throws Exception {
        int length = head.stream().filter(h -> h.regionMatches(true, 0, "Content-Length:", 0, 15))
                .map(h -> Integer.parseInt(h.substring(15).strip())).findFirst().orElseThrow();
        return in.readNBytes(length);
    }

    private static void assertAwsError(HttpResponse<String> response, int status, String type) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(type, response.headers().firstValue("x-amzn-ErrorType").orElseThrow());
        JsonNode body = Json.MAPPER.readTree(response.body());
        assertEquals(type, body.get("__type").asText());
        assertTrue(body.get("message").asText().length() > 0);
    }
}
