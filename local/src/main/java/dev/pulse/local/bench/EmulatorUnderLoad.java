package dev.pulse.local.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import com.sun.management.OperatingSystemMXBean;
import dev.pulse.local.gateway.WebSocketGateway;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API Gateway emulator alone, for {@link PostBenchmark}'s emulator figure: a {@link WebSocketGateway} whose
 * {@code $connect} accepts every upgrade (no handlers, no DynamoDB), in its own JVM so that its CPU can be read apart
 * from the posting side's and the clients'. Prints {@code PORT <n>}; then answers {@code ids} with
 * {@code IDS <id,id,…>} (the connections open) and {@code cpu} with {@code CPU <process CPU ns>}; ends with its input.
 */
public final class EmulatorUnderLoad {
    public static void main(String[] args) throws Exception {
        Set<String> ids = ConcurrentHashMap.newKeySet();
        var ok = new APIGatewayV2WebSocketResponse();
        ok.setStatusCode(200);
        try (var gateway = WebSocketGateway.builder().port(0).stage("local")
                .route("$connect", event -> {
                    ids.add(event.getRequestContext().getConnectionId());
                    return ok;
                })
                .route("$disconnect", event -> {
                    ids.remove(event.getRequestContext().getConnectionId());
                    return ok;
                })
                .route("$default", event -> ok)
                .build().start()) {
            System.out.println("PORT " + gateway.port());
            System.out.flush();
            var cpu = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                switch (line.trim()) {
                    case "ids" -> System.out.println("IDS " + String.join(",", ids));
                    case "cpu" -> System.out.println("CPU " + cpu.getProcessCpuTime());
                    default -> System.out.println("? " + line);
                }
                System.out.flush();
            }
        }
        System.exit(0);
    }

    private EmulatorUnderLoad() {
    }
}
