// The probe of docs/bench/logging/run.sh: one line, as a handler writes it (MDC field, key-value pair).
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
public class Probe {
    public static void main(String[] args) {
        MDC.put("connectionId", "abc=");
        LoggerFactory.getLogger("dev.pulse.Probe").atInfo().addKeyValue("outcome", "connected").log("connected");
        System.out.println("DONE");
    }
}
