package dev.pulse.functions;

import java.util.Map;
import java.time.Instant;
import java.time.Duration;
import java.time.Clock;
import dev.pulse.delivery.DeliveryReport;
import dev.pulse.support.metrics.Metric;
import dev.pulse.support.metrics.Metrics;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.support.log.LogField;
import dev.pulse.support.log.LogContext;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.pulse.catalog.Admission;
import dev.pulse.catalog.DeadLetterSink;
import dev.pulse.catalog.EventIntake;
import dev.pulse.catalog.Rejection;
import dev.pulse.protocol.Json;
import dev.pulse.room.ControlCommands;
import dev.pulse.room.EventDelivery;
import dev.pulse.store.DeliveryMarks;
import dev.pulse.store.EventLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * EventBridge target: the event arrives as EventBridge delivers it ({@code detail-type}, {@code detail}, …), one per
 * invocation; or, behind the fan-out queue ({@code FanOutQueue} in the CDK app), as an SQS batch whose message bodies
 * are those same events. A batch's events are delivered at once, each on its own virtual thread, so the events of one
 * room commit to the log together (the log's group commit: one head write for the room's waiting events) instead of
 * one invocation and one head write each; a batch answers which messages failed ({@code batchItemFailures}), and only
 * those come back from the queue. A stream handler, so the envelope is read with the core's own JSON mapping and
 * nothing else.
 *
 * <p>The intake decides first: an enveloped event (validated against the catalog, if one is configured) or a
 * domain event routed by the catalog is delivered; anything else never reaches a client: it is logged with its
 * correlation id and sent to the dead-letter path. Retrying cannot make it valid, so the handler then returns
 * normally; if the dead-letter path itself fails, the exception propagates and Lambda retries the event.
 */
public final class FanOutHandler implements RequestStreamHandler {
    private static final Logger LOG = LoggerFactory.getLogger(FanOutHandler.class);

    private final EventDelivery delivery;
    private final ControlCommands controls;
    private final EventIntake intake;
    private final DeadLetterSink deadLetters;
    private final Metrics metrics;
    private final Clock clock;
    /** Where a batch's appends are gathered into shared commits (null when events are not logged). */
    private final EventLog eventLog;
    private final DeliveryMarks marks;

    public FanOutHandler() {
        this(Services.fromEnvironment());
    }

    public FanOutHandler(Services services) {
        this.delivery = services.eventDelivery();
        this.controls = services.controlCommands();
        this.intake = services.eventIntake();
        this.deadLetters = services.deadLetters();
        this.metrics = services.metrics();
        this.clock = Clock.systemUTC();
        this.eventLog = services.eventLog();
        this.marks = services.deliveryMarks();
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        var event = Json.MAPPER.readTree(input);
        try {
            var batch = SqsBatch.of(event);
            if (batch.isPresent()) {
                Json.MAPPER.writeValue(output, batch.get().deliver(eventLog, marks, record -> handle(record, context)));
            } else {
                Json.MAPPER.writeValue(output, handle(event, context));
            }
        } finally {
            metrics.flush();
        }
    }

    /** One event, as EventBridge hands it over; what the invocation answers for it. */
    private JsonNode handle(JsonNode event, Context context) {
        try (var log = LogContext.open("fanout", text(event, "id"), Invocations.id(context))) {
            return fanOut(event);
        }
    }

    private JsonNode fanOut(JsonNode event) {
        return switch (intake.admit(event)) {
            case Admission.Deliver deliver -> {
                LogContext.put(LogField.CORRELATION_ID, deliver.envelope().correlationId());
                LogContext.put(LogField.ACTION, deliver.envelope().event());
                metrics.count(Metric.EVENTS_ADMITTED);
                var report = delivery.deliver(deliver.envelope(), text(event, "id"));
                count(report, deliver.envelope().publishedAt());
                yield Json.MAPPER.valueToTree(report);
            }
            case Admission.Control control -> Json.MAPPER.valueToTree(controls.run(control.command()));
            case Admission.Reject reject -> {
                Rejection r = reject.rejection();
                // The publisher's mistake, not a fault here: warn, with what the dead-letter entry says.
                LOG.atWarn().addKeyValue(LogField.CORRELATION_ID, r.correlationId())
                        .addKeyValue(LogField.OUTCOME, "refused").addKeyValue(LogField.REASON, r.reason().code())
                        .addKeyValue("eventId", r.eventId()).addKeyValue("detailType", r.detailType())
                        .addKeyValue("source", r.source()).log("event refused: {}", r.message());
                // Also without the reason: the series the RefusedEvents alarm watches.
                metrics.count(Metric.EVENTS_REFUSED);
                metrics.count(Metric.EVENTS_REFUSED, "Reason", r.reason().code());
                deadLetters.accept(r);
                yield Json.object().put("rejected", r.reason().code()).put("error", r.message());
            }
        };
    }

    /** What one event's fan-out did; a duplicate the log had already delivered posts nothing and is not timed. */
    private void count(DeliveryReport report, Instant publishedAt) {
        if (report.skipped() != null) {
            return;
        }
        metrics.record(Metric.DELIVERIES, report.delivered(), Map.of());
        metrics.record(Metric.GONE, report.gone(), Map.of());
        metrics.record(Metric.FAILED_POSTS, report.failed(), Map.of());
        metrics.record(Metric.FANOUT_DURATION, report.totalMillis(), Map.of());
        if (publishedAt != null && report.recipients() > 0) {
            metrics.record(Metric.DELIVERY_LATENCY, Math.max(0, Duration.between(publishedAt, clock.instant()).toMillis()),
                    Map.of());
        }
    }

    /** The EventBridge event id: the same on every retry of one delivery, different for each PutEvents entry. */
    private static String text(JsonNode event, String field) {
        var value = event == null ? null : event.get(field);
        return value == null || !value.isTextual() ? null : value.textValue();
    }
}
