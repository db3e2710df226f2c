// docs/bench/metrics/run.sh: the same EMF document, written by Pulse's EmfMetrics.
import dev.pulse.support.metrics.EmfMetrics;
import dev.pulse.support.metrics.Metric;

public class PulseProbe {
    public static void main(String[] args) {
        var metrics = new EmfMetrics("Pulse");
        metrics.count(Metric.CONNECTS_REFUSED, "Reason", "token_expired");
        metrics.flush();
        System.out.println("DONE");
    }
}
