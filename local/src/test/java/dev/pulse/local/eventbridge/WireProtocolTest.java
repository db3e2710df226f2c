package dev.pulse.local.eventbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.protocol.Json;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

    private static void assertAwsError(HttpResponse<String> response, int status, String type) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(type, response.headers().firstValue("x-amzn-ErrorType").orElseThrow());
        JsonNode body = Json.MAPPER.readTree(response.body());
        assertEquals(type, body.get("__type").asText());
        assertTrue(body.get("message").asText().length() > 0);
    }
}
