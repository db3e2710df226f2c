package dev.pulse.infra;

import java.util.ArrayList;
import dev.pulse.support.metrics.Metric;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * The alarms an operator needs: any error or throttle of a function, any event waiting in the fan-out dead-letter
 * queue (an event some rooms never received), slow deliveries, refused events, failed posts and API Gateway failing to
 * invoke a route (README, "Dashboard and alarms", says what each means and what to do). With a topic, alarms and
 * recoveries are sent to it.
 */
public class PulseAlarms extends Construct {
    static final Duration PERIOD = PulseMetrics.PERIOD;
    /** p99 of publishedAt to the last post above this, over 5 minutes, is slow for a real-time layer. */
    static final double DELIVERY_LATENCY_P99_MS = 5_000;

    private final List<Alarm> alarms = new ArrayList<>();

    /**
     * @param functions      functions to watch; each gets an Errors and a Throttles alarm
     * @param deadLetters    queue whose visible messages raise an alarm
     * @param topic          where alarm and OK notifications go, or null for alarms without actions
     */
    PulseAlarms(Construct scope, String id, List<Function> functions, IQueue deadLetters, PulseMetrics metrics,
                ITopic topic) {
        super(scope, id);
        var sum = MetricOptions.builder().period(PERIOD).statistic("Sum").build();
        for (Function fn : functions) {
            String name = fn.getNode().getId();
            // Metrics of the function as a whole: they include every version, hence the live alias.
            add(name + "Errors", fn.metricErrors(sum), 1, ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                    "Pulse " + name + " reported errors (uncaught exceptions or timeouts)", topic);
            add(name + "Throttles", fn.metricThrottles(sum), 1, ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                    "Pulse " + name + " was throttled (account or reserved concurrency exhausted)", topic);
        }
        add("FanOutDeadLetters", deadLetters.metricApproximateNumberOfMessagesVisible(
                        MetricOptions.builder().period(PERIOD).statistic("Maximum").build()),
                0, ComparisonOperator.GREATER_THAN_THRESHOLD,
                "Pulse events failed to fan out and wait in the dead-letter queue for replay", topic);
        add("DeliveryLatency", metrics.pulse(Metric.DELIVERY_LATENCY, "p99"), DELIVERY_LATENCY_P99_MS,
                ComparisonOperator.GREATER_THAN_THRESHOLD,
                "Pulse p99 delivery latency (publishedAt to the last post) is above 5 s", topic);
        add("RefusedEvents", metrics.pulse(Metric.EVENTS_REFUSED, "Sum"), 1,
                ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                "Pulse refused published events (invalid, unknown or unroutable): they are in the dead-letter path", topic);
        add("FailedPosts", metrics.pulse(Metric.FAILED_POSTS, "Sum"), 1, ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                "Pulse posts to @connections failed after retries (throttled or API Gateway errors)", topic);
        add("ApiExecutionErrors", metrics.apiGateway("ExecutionError", "Sum"), 1,
                ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                "API Gateway could not invoke a Pulse route (Lambda throttled, failing or missing permission)", topic);
    }

    private void add(String id, IMetric metric, double threshold, ComparisonOperator comparison, String description,
                     ITopic topic) {
        alarms.add(alarm(this, id, metric, threshold, comparison, description, topic));
    }

    /** One of Pulse's alarms: one 5-minute period, no data is healthy, notifying the topic (if any) both ways. */
    static Alarm alarm(Construct scope, String id, IMetric metric, double threshold, ComparisonOperator comparison,
                       String description, ITopic topic) {
        var alarm = Alarm.Builder.create(scope, id)
                .metric(metric)
                .threshold(threshold)
                .comparisonOperator(comparison)
                .evaluationPeriods(1)
                .alarmDescription(description)
                // No invocations means no datapoints: that is healthy, not unknown.
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
        if (topic != null) {
            var action = new SnsAction(topic);
            alarm.addAlarmAction(action);
            alarm.addOkAction(action);
        }
        return alarm;
    }

    /**
     * Errors and Throttles per function (in the order given), then the dead-letter queue, delivery latency, refused
     * events, failed posts and API Gateway execution error alarms.
     */
    public List<Alarm> getAlarms() {
        return List.copyOf(alarms);
    }
}
