package dev.pulse.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.pulse.catalog.Rejection;
import dev.pulse.catalog.Violation;
import dev.pulse.protocol.Json;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The SQS dead-letter path with the stock SQS client against a real HTTP endpoint speaking SQS's JSON protocol: what
 * the message carries, and that a failing queue makes the fan-out fail (so Lambda retries) rather than lose the event.
 */
class SqsDeadLettersTest {
    private HttpServer server;
    private final LinkedBlockingQueue<JsonNode> requests = new LinkedBlockingQueue<>();
    private final AtomicInteger status = new AtomicInteger(200);
    private SqsClient sqs;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            JsonNode request = Json.MAPPER.readTree(exchange.getRequestBody());
            requests.add(request);
            String md5 = md5(request.path("MessageBody").asText());
            byte[] body = (status.get() == 200
                    ? "{\"MessageId\":\"m-1\",\"MD5OfMessageBody\":\"" + md5 + "\"}"
                    : "{\"__type\":\"com.amazonaws.sqs#QueueDoesNotExist\",\"message\":\"no queue\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
            if (status.get() != 200) {
                exchange.getResponseHeaders().add("x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender");
            }
            exchange.sendResponseHeaders(status.get(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        sqs = SqsClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "y")))
                .httpClient(ApacheHttpClient.create())
                // The test endpoint computes no attribute checksums.
                .checksumValidationEnabled(false)
                .overrideConfiguration(c -> c.retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    private static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() {
        sqs.close();
        server.stop(0);
    }

    private static Rejection rejection() {
        var event = Json.object().put("id", "eb-7").put("detail-type", "approval.created").put("source", "com.hyvve.api");
        event.putObject("detail").put("status", "maybe");
        return new Rejection(Rejection.Reason.INVALID_PAYLOAD, "event approval.created: $.status: not in the enumeration",
                List.of(new Violation("$.status", "not in the enumeration")), "eb-7", "com.hyvve.api", "approval.created",
                "req-1", event);
    }

    @Test
    void aRejectionBecomesOneMessageWithItsReasonAndCorrelationIdAsAttributes() throws Exception {
        String queue = "https://sqs.us-east-1.amazonaws.com/000000000000/pulse-dlq";
        new SqsDeadLetters(sqs, queue).accept(rejection());

        JsonNode request = requests.poll(5, TimeUnit.SECONDS);
        assertEquals(queue, request.path("QueueUrl").asText());
        JsonNode body = Json.MAPPER.readTree(request.path("MessageBody").asText());
        assertEquals("invalid_payload", body.path("rejected").asText());
        assertEquals("$.status", body.path("violations").get(0).path("path").asText());
        assertEquals("req-1", body.path("correlationId").asText());
        assertEquals("maybe", body.path("event").path("detail").path("status").asText());
        assertEquals("invalid_payload", request.path("MessageAttributes").path("pulse-rejected").path("StringValue").asText());
        assertEquals("req-1", request.path("MessageAttributes").path("correlation-id").path("StringValue").asText());
    }

    @Test
    void aQueueFailurePropagatesSoTheEventIsRetried() {
        status.set(400);
        var e = assertThrows(SdkException.class, () -> new SqsDeadLetters(sqs, "https://sqs/none").accept(rejection()));
        assertTrue(e.getMessage().contains("no queue"), e.getMessage());
    }
}
