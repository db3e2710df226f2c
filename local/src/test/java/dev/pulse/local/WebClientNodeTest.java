package dev.pulse.local;

import java.util.HashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the web client's tests ({@code clients/web/test/*.test.js}, Node's built-in test runner) against this
 * JVM's real local system: no mock server anywhere. The stack's URLs go to Node as environment variables;
 * Node's output is streamed to the test log, and any failing Node test fails this one.
 */
@ExtendWith(SharedLocalSystem.class)
class WebClientNodeTest {

    @Test
    void webClientTestsPassAgainstTheLocalStack() throws Exception {
        LocalSystem system = SharedLocalSystem.get();
        // The Node helpers do not sign their @connections calls; the proxy signs them with the local credentials.
        try (var signing = SigningProxy.start(system)) {
            var environment = new HashMap<>(NodeTestRun.stackEnvironment(system));
            environment.put("PULSE_MANAGEMENT_URL", signing.managementEndpoint() + "/@connections");
            // The tests sign the tokens the dev endpoint will not mint (expired ones) with the stack's own secret.
            environment.put("PULSE_JWT_SECRET", LocalSettings.DEVELOPMENT_SECRET);
            NodeTestRun.nodeTests(NodeTestRun.repositoryDir("clients/web"), environment);
        }
    }
}
