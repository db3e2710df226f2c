package dev.pulse.infra;

import dev.pulse.support.metrics.Metric;
import java.util.List;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.IWidget;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/** One CloudWatch dashboard of the whole system, in the order an operator reads it (README, "Dashboard and alarms"). */
public class PulseDashboard extends Construct {
    private final Dashboard dashboard;

    PulseDashboard(Construct scope, String id, PulseMetrics metrics, IQueue deadLetters) {
        super(scope, id);
        this.dashboard = Dashboard.Builder.create(this, "Dashboard").build();
        dashboard.addWidgets(
                graph("Connections", List.of(metrics.pulse(Metric.CONNECTS, "Sum"), metrics.pulse(Metric.DISCONNECTS, "Sum"),
                        metrics.apiGateway("ConnectCount", "Sum"))),
                graph("Events in / frames out", List.of(metrics.pulse(Metric.EVENTS_ADMITTED, "Sum"),
                        metrics.pulse(Metric.DELIVERIES, "Sum"), metrics.apiGateway("MessageCount", "Sum"))),
                graph("Refusals by reason", List.of(metrics.pulseBy(Metric.CONNECTS_REFUSED, "Reason"),
                        metrics.pulseBy(Metric.ACTIONS_REFUSED, "Reason"), metrics.pulseBy(Metric.EVENTS_REFUSED, "Reason"))));
        dashboard.addWidgets(
                graph("Delivery latency (publishedAt to last post, ms)", List.of(
                        metrics.pulse(Metric.DELIVERY_LATENCY, "p50"), metrics.pulse(Metric.DELIVERY_LATENCY, "p99"))),
                graph("Fan-out duration (ms)", List.of(metrics.pulse(Metric.FANOUT_DURATION, "p50"),
                        metrics.pulse(Metric.FANOUT_DURATION, "p99"))),
                graph("Failed and gone posts", List.of(metrics.pulse(Metric.FAILED_POSTS, "Sum"),
                        metrics.pulse(Metric.GONE, "Sum"))));
        dashboard.addWidgets(
                graph("Dead-letter queue depth", List.of(deadLetters.metricApproximateNumberOfMessagesVisible(
                        MetricOptions.builder().period(PulseMetrics.PERIOD).statistic("Maximum").build()))),
                graph("API Gateway errors", List.of(metrics.apiGateway("ClientError", "Sum"),
                        metrics.apiGateway("ExecutionError", "Sum"), metrics.apiGateway("IntegrationError", "Sum"))));
    }

    private static IWidget graph(String title, List<IMetric> left) {
        return GraphWidget.Builder.create().title(title).left(left).width(8).height(6).build();
    }

    public Dashboard getDashboard() {
        return dashboard;
    }
}
