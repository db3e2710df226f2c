package dev.pulse.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.delivery.Delivery;
import dev.pulse.delivery.Shard;
import dev.pulse.model.EventContent;
import dev.pulse.model.Member;
import dev.pulse.model.Position;
import dev.pulse.model.Room;
import dev.pulse.protocol.Json;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The AWS hand-off of big rooms' shards with the stock SQS client against a real HTTP endpoint speaking SQS's JSON
 * protocol: one message per shard, readable by the worker, and a queue that refuses makes the hand-off fail (so the
 * fan-out fails and EventBridge retries the event) rather than drop a shard.
 */
class SqsShardHandOffTest {
    private static final String QUEUE = "https://sqs.us-east-1.amazonaws.com/000000000000/pulse-shards";
    private SqsTestEndpoint endpoint;

    @BeforeEach
    void start() throws Exception {
        endpoint = new SqsTestEndpoint();
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    private static Shard shard() {
        var delivery = new Delivery(List.of(Room.workspace("w1")), List.of(new Position(4, "ep")),
                new EventContent("e1", "news", Instant.parse("2026-12-02T01:00:00Z"), "req-9", "{\"a\":1}"), null);
        return new Shard(delivery, 0, 3, List.of(new Member("c1", "u1"), new Member("c2", "u2")));
    }

    @Test
    void aShardBecomesOneMessageTheWorkerReadsBackWithItsKeyAndCorrelationIdAsAttributes() throws Exception {
        var shard = shard();
        new SqsShardHandOff(endpoint.sqs, QUEUE).handOut(shard).get(10, TimeUnit.SECONDS);

        JsonNode request = endpoint.requests.poll(5, TimeUnit.SECONDS);
        assertEquals(QUEUE, request.path("QueueUrl").asText());
        assertEquals(shard, Shard.fromJson(Json.MAPPER.readTree(request.path("MessageBody").asText())));
        assertEquals(shard.key(), request.path("MessageAttributes").path("pulse-shard").path("StringValue").asText());
        assertEquals("req-9", request.path("MessageAttributes").path("correlation-id").path("StringValue").asText());
    }

    @Test
    void aQueueFailureFailsTheHandOff() {
        endpoint.fail();
        var handedOut = new SqsShardHandOff(endpoint.sqs, QUEUE).handOut(shard());
        var e = assertThrows(CompletionException.class, handedOut::join);
        assertTrue(e.getCause() instanceof SdkException, e.toString());
    }
}
