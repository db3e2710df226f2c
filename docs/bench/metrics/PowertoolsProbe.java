// docs/bench/metrics/run.sh: one EMF document with a dimension, written by Powertools for AWS Lambda (Java) 2.5.0.
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

public class PowertoolsProbe {
    public static void main(String[] args) {
        var metrics = MetricsFactory.getMetricsInstance();
        metrics.setNamespace("Pulse");
        metrics.addDimension("Reason", "token_expired");
        metrics.addMetric("ConnectsRefused", 1, MetricUnit.COUNT);
        metrics.flush();
        System.out.println("DONE");
    }
}
