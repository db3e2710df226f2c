package dev.pulse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the web client's tests ({@code clients/web/test/*.test.js}, Node's built-in test runner) against this
 * JVM's real local system: no mock server anywhere. The stack's URLs go to Node as environment variables;
 * Node's output is streamed to the test log, and any failing Node test fails this one.
 */
@ExtendWith(SharedLocalSystem.class)
class WebClientNodeTest {
    private static final long NODE_TIMEOUT_MINUTES = 10;

    @Test
    void webClientTestsPassAgainstTheLocalStack() throws Exception {
        LocalSystem system = SharedLocalSystem.get();
        Path web = webClientDir();
        // The gateway binds 127.0.0.1 only; Node may resolve "localhost" to ::1 first.
        String wsUrl = loopback(system.webSocketUri().toString());
        String http = loopback(system.managementEndpoint().resolve("/").toString().replaceAll("/$", ""));
        // The Node helpers do not sign their @connections calls; the proxy signs them with the local credentials.
        try (var signing = SigningProxy.start(system)) {
            run(web, wsUrl, http, signing.managementEndpoint().toString(), system);
        }
    }

    private static void run(Path web, String wsUrl, String http, String management, LocalSystem system) throws Exception {
        // -Dpulse.nodeTests=test/ordered.test.js runs some of them (while working on the client).
        var command = new java.util.ArrayList<>(List.of("node", "--experimental-websocket", "--test"));
        command.addAll(List.of(System.getProperty("pulse.nodeTests", "test/").split(",")));
        var builder = new ProcessBuilder(command).directory(web.toFile()).redirectErrorStream(true);
        builder.environment().put("PULSE_WS_URL", wsUrl);
        builder.environment().put("PULSE_HTTP_URL", http);
        builder.environment().put("PULSE_MANAGEMENT_URL", management + "/@connections");
        builder.environment().put("PULSE_EVENTBRIDGE_URL", loopback(system.eventBridgeEndpoint().toString()));
        builder.environment().put("NODE_NO_WARNINGS", "1"); // the experimental-WebSocket banner
        // The tests sign the tokens the dev endpoint will not mint (expired ones) with the stack's own secret.
        builder.environment().put("PULSE_JWT_SECRET", LocalSettings.DEVELOPMENT_SECRET);
        Process node;
        try {
            node = builder.start();
        } catch (IOException e) {
            throw new AssertionError("cannot start node (Node >= 20 must be on the PATH): " + e.getMessage(), e);
        }
        var output = new StringBuilder();
        Thread pump = Thread.ofVirtual().start(() -> {
            try (var reader = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    System.out.println("[node] " + line);
                    output.append(line).append('\n');
                }
            } catch (IOException e) {
                System.out.println("[node] output ended: " + e.getMessage());
            }
        });
        boolean finished = node.waitFor(NODE_TIMEOUT_MINUTES, TimeUnit.MINUTES);
        if (!finished) {
            node.destroyForcibly().waitFor();
        }
        pump.join(10_000);
        assertTrue(finished, "node --test did not finish within " + NODE_TIMEOUT_MINUTES + " minutes");
        assertEquals(0, node.exitValue(), "node --test failed (its output is in the log above)");
        assertTrue(output.toString().contains("# fail 0"), "no test summary from node --test");
    }

    private static String loopback(String url) {
        return url.replace("://localhost:", "://127.0.0.1:");
    }

    /** clients/web of this repository, found from the module directory Maven runs the tests in. */
    private static Path webClientDir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("clients/web");
            if (Files.isRegularFile(candidate.resolve("package.json"))) {
                return candidate;
            }
        }
        throw new AssertionError("clients/web not found above " + Path.of("").toAbsolutePath());
    }
}
