package dev.pulse.functions;

import dev.pulse.delivery.Shard;
import dev.pulse.delivery.ShardHandOff;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * The AWS hand-off of big rooms' shards (docs/SCALING.md): one SQS message per shard, its body {@link Shard#toJson()},
 * with attributes {@code pulse-shard} (the shard's key) and {@code correlation-id}; the shard worker function is the
 * queue's event source. Up to {@link #SENDS_IN_FLIGHT} messages are sent at once, so a 100,000-member room's 100 shards
 * are queued in a few round trips of ~10-20 ms while the fan-out is still reading the room's later pages.
 */
final class SqsShardHandOff implements ShardHandOff {
    static final int SENDS_IN_FLIGHT = 16;

    private final SqsClient sqs;
    private final String queueUrl;
    private final Semaphore slots = new Semaphore(SENDS_IN_FLIGHT);
    private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();

    SqsShardHandOff(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public CompletableFuture<Void> handOut(Shard shard) {
        String body = shard.toJson().toString();
        String correlationId = shard.delivery().content().correlationId();
        var request = SendMessageRequest.builder().queueUrl(queueUrl).messageBody(body)
                .messageAttributes(Map.of("pulse-shard", attribute(shard.key()),
                        "correlation-id", attribute(correlationId == null || correlationId.isEmpty() ? "-" : correlationId)))
                .build();
        slots.acquireUninterruptibly();
        return CompletableFuture.runAsync(() -> {
            try {
                sqs.sendMessage(request);
            } finally {
                slots.release();
            }
        }, pool);
    }

    private static MessageAttributeValue attribute(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
