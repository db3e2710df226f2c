package dev.pulse.functions;

import dev.pulse.catalog.DeadLetterSink;
import dev.pulse.catalog.Rejection;
import dev.pulse.delivery.Undelivered;
import dev.pulse.delivery.UndeliveredSink;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * The AWS dead-letter path, the fan-out's dead-letter queue (whose depth is alarmed):
 * <ul>
 *   <li>refused events: one SQS message per event, its body {@link Rejection#toJson()} (reason, JSON paths,
 *       correlation id and the event itself), with attributes {@code pulse-rejected} (the reason) and
 *       {@code correlation-id};</li>
 *   <li>posts that failed after their retries: one message per event, its body {@link Undelivered#toJson()} (the
 *       connections left and their frames, replayable), with attributes {@code pulse-undelivered} (the event id) and
 *       {@code correlation-id}; an entry too large for one message is split over several, each replayable alone.</li>
 * </ul>
 */
final class SqsDeadLetters implements DeadLetterSink, UndeliveredSink {
    /** SQS's classic message limit; a larger record keeps its metadata and drops the event body. */
    static final int MAX_BODY_BYTES = 256 * 1024;

    private final SqsClient sqs;
    private final String queueUrl;

    SqsDeadLetters(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void accept(Rejection rejection) {
        var json = rejection.toJson();
        String body = json.toString();
        if (body.getBytes(StandardCharsets.UTF_8).length > MAX_BODY_BYTES) {
            json.putObject("event").put("omitted", "the event is larger than an SQS message; see the fan-out log");
            body = json.toString();
        }
        send(body, "pulse-rejected", rejection.reason().code(), rejection.correlationId());
    }

    @Override
    public void accept(Undelivered undelivered) {
        // Characters, not bytes, are counted: frames are mostly ASCII, and the margin covers the rest.
        for (Undelivered part : undelivered.split(MAX_BODY_BYTES / 2)) {
            send(part.toJson().toString(), "pulse-undelivered", part.eventId(),
                    part.correlationId() == null ? "" : part.correlationId());
        }
    }

    private void send(String body, String kind, String value, String correlationId) {
        sqs.sendMessage(SendMessageRequest.builder()
                .queueUrl(queueUrl)
                .messageBody(body)
                .messageAttributes(Map.of(kind, attribute(value),
                        "correlation-id", attribute(correlationId.isEmpty() ? "-" : correlationId)))
                .build());
    }

    private static MessageAttributeValue attribute(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
