package dev.pulse.functions;

import dev.pulse.catalog.DeadLetterSink;
import dev.pulse.catalog.Rejection;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * The AWS dead-letter path of refused events: one SQS message per event, its body {@link Rejection#toJson()} (reason,
 * JSON paths, correlation id and the event itself), with the reason and correlation id also as message attributes so
 * an operator can filter without parsing. The queue is the fan-out's dead-letter queue, whose depth is alarmed.
 */
final class SqsDeadLetters implements DeadLetterSink {
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
        sqs.sendMessage(SendMessageRequest.builder()
                .queueUrl(queueUrl)
                .messageBody(body)
                .messageAttributes(Map.of(
                        "pulse-rejected", attribute(rejection.reason().code()),
                        "correlation-id", attribute(rejection.correlationId().isEmpty() ? "-" : rejection.correlationId())))
                .build());
    }

    private static MessageAttributeValue attribute(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
