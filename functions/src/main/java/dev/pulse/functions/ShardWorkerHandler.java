package dev.pulse.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.pulse.delivery.Shard;
import dev.pulse.protocol.Json;
import dev.pulse.room.ShardDelivery;
import dev.pulse.support.log.LogContext;
import dev.pulse.support.log.LogField;
import dev.pulse.support.metrics.Metric;
import dev.pulse.support.metrics.Metrics;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The big rooms' worker (docs/SCALING.md): the shard queue's event source. Each message is one {@link Shard} the fan-out
 * handed out; it is posted from where its recorded progress says, or deferred while another attempt holds it (reported
 * back, so SQS delivers it again later, when it finds the shard finished). A shard that fails is reported back alone (partial
 * batch response), so SQS delivers it again after its visibility timeout, and after the queue's last receive it goes to
 * the shard dead-letter queue (alarmed). An unreadable message fails the same way: it can never be delivered, and the
 * dead-letter queue is where someone looks at it.
 */
public final class ShardWorkerHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private static final Logger LOG = LoggerFactory.getLogger(ShardWorkerHandler.class);

    private final ShardDelivery delivery;
    private final Metrics metrics;

    public ShardWorkerHandler() {
        this(Services.fromEnvironment());
    }

    public ShardWorkerHandler(Services services) {
        this.delivery = services.shardDelivery();
        this.metrics = services.metrics();
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        var failures = new ArrayList<SQSBatchResponse.BatchItemFailure>();
        try {
            for (var message : event.getRecords()) {
                if (!deliver(message, context)) {
                    failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
                }
            }
        } finally {
            metrics.flush();
        }
        return new SQSBatchResponse(failures);
    }

    private boolean deliver(SQSEvent.SQSMessage message, Context context) {
        try (var log = LogContext.open("shard", message.getMessageId(), Invocations.id(context))) {
            Shard shard;
            try {
                shard = Shard.fromJson(Json.MAPPER.readTree(message.getBody()));
            } catch (IOException | IllegalArgumentException e) {
                LOG.atError().addKeyValue(LogField.OUTCOME, "refused").addKeyValue("messageId", message.getMessageId())
                        .log("unreadable shard message: {}", e.getMessage());
                failed("unreadable");
                return false;
            }
            LogContext.put(LogField.CORRELATION_ID, shard.delivery().content().correlationId());
            try {
                var result = delivery.deliver(shard);
                metrics.record(Metric.DELIVERIES, result.delivered(), Map.of());
                metrics.record(Metric.GONE, result.gone(), Map.of());
                metrics.record(Metric.FAILED_POSTS, result.failed(), Map.of());
                if (result.deferred()) {
                    return false; // another attempt holds it: received again after the visibility timeout
                }
                metrics.record(Metric.SHARD_DURATION, result.millis(), Map.of());
                return true;
            } catch (RuntimeException e) {
                // DynamoDB or the hand-off's own failure: the shard resumes from its last checkpoint when redelivered.
                LOG.atWarn().addKeyValue(LogField.OUTCOME, "failed").addKeyValue("shard", shard.key())
                        .log("shard failed, to be redelivered: {}", e.toString());
                failed("failed");
                return false;
            }
        }
    }

    /** Also without the reason: the series the ShardFailures alarm watches. */
    private void failed(String reason) {
        metrics.count(Metric.SHARD_FAILURES);
        metrics.count(Metric.SHARD_FAILURES, "Reason", reason);
    }
}
