package dev.pulse.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.catalog.Rejection;
import dev.pulse.catalog.Violation;
import dev.pulse.protocol.Json;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The SQS dead-letter path with the stock SQS client against a real HTTP endpoint speaking SQS's JSON protocol: what
 * the message carries, and that a failing queue makes the fan-out fail (so Lambda retries) rather than lose the event.
 */
class SqsDeadLettersTest {
    private SqsTestEndpoint endpoint;
    private LinkedBlockingQueue<JsonNode> requests;
    private SqsClient sqs;

    @BeforeEach
    void start() throws Exception {
        endpoint = new SqsTestEndpoint();
        requests = endpoint.requests;
        sqs = endpoint.sqs;
    }

    @AfterEach
    void stop() {
        endpoint.close();
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
        endpoint.fail();
        var e = assertThrows(SdkException.class, () -> new SqsDeadLetters(sqs, "https://sqs/none").accept(rejection()));
        assertTrue(e.getMessage().contains("no queue"), e.getMessage());
    }
}
