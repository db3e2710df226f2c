package dev.pulse.infra;

import dev.pulse.support.metrics.Metric;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;

/**
 * The metrics the dashboard and the alarms read: Pulse's own EMF metrics (README, "Metrics"; their names come from
 * the code that writes them) and API Gateway's metrics of the WebSocket stage.
 */
final class PulseMetrics {
    static final Duration PERIOD = Duration.minutes(5);

    private final String namespace;
    private final String apiId;
    private final String stageName;

    /** @param namespace the stack's namespace ({@code PULSE_METRICS_NAMESPACE} of its functions) */
    PulseMetrics(String namespace, String apiId, String stageName) {
        this.namespace = namespace;
        this.apiId = apiId;
        this.stageName = stageName;
    }

    /** A Pulse metric without dimensions. */
    software.amazon.awscdk.services.cloudwatch.Metric pulse(Metric metric, String statistic) {
        return software.amazon.awscdk.services.cloudwatch.Metric.Builder.create()
                .namespace(namespace).metricName(metric.metricName())
                .statistic(statistic).period(PERIOD).build();
    }

    /** Every series of a Pulse metric written with this dimension (one line per reason, or per action), summed. */
    IMetric pulseBy(Metric metric, String dimension) {
        return MathExpression.Builder.create()
                .expression("SEARCH('{\"" + namespace + "\"," + dimension + "} MetricName=\""
                        + metric.metricName() + "\"', 'Sum', 300)")
                .label(metric.metricName() + " by " + dimension).period(PERIOD).build();
    }

    /** One of API Gateway's metrics of this WebSocket API's stage (ConnectCount, MessageCount, ClientError, …). */
    software.amazon.awscdk.services.cloudwatch.Metric apiGateway(String name, String statistic) {
        return software.amazon.awscdk.services.cloudwatch.Metric.Builder.create()
                .namespace("AWS/ApiGateway").metricName(name).dimensionsMap(Map.of("ApiId", apiId, "Stage", stageName))
                .statistic(statistic).period(PERIOD).build();
    }
}
