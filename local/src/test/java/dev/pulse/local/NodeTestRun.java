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
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Node command for a JUnit test (the JavaScript clients' own tests, their builds), with the local stack's
 * URLs in its environment. Node's output is streamed to the test log; a non-zero exit, a timeout, or (for
 * {@code node --test}) a missing summary fails the test.
 */
final class NodeTestRun {
    private static final long TIMEOUT_MINUTES = 10;

    private NodeTestRun() {
    }

    /** The environment the clients' Node tests read the local stack from (their test-support modules). */
    static Map<String, String> stackEnvironment(LocalSystem system) {
        return Map.of(
                // The gateway binds 127.0.0.1 only; Node may resolve "localhost" to ::1 first.
                "PULSE_WS_URL", loopback(system.webSocketUri().toString()),
                "PULSE_HTTP_URL", loopback(system.managementEndpoint().resolve("/").toString().replaceAll("/$", "")),
                "PULSE_EVENTBRIDGE_URL", loopback(system.eventBridgeEndpoint().toString()));
    }

    /**
     * Runs {@code node --experimental-websocket --test test/} in {@code dir}; every Node test must pass.
     * {@code -Dpulse.nodeTests=test/ordered.test.js,…} runs some of them instead (while working on a client).
     */
    static void nodeTests(Path dir, Map<String, String> environment) throws Exception {
        var command = new java.util.ArrayList<>(List.of("node", "--experimental-websocket", "--test"));
        command.addAll(List.of(System.getProperty("pulse.nodeTests", "test/").split(",")));
        String output = run(dir, environment, command);
        assertTrue(output.contains("# fail 0"), "no test summary from node --test");
    }

    /** Runs a command to completion in {@code dir}; returns its output. */
    static String run(Path dir, Map<String, String> environment, List<String> command) throws Exception {
        var builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        builder.environment().put("NODE_NO_WARNINGS", "1"); // the experimental-WebSocket banner, the SDK's Node 20 notice
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new AssertionError("cannot start " + command.getFirst() + " (Node >= 20 and npm must be on the PATH): "
                    + e.getMessage(), e);
        }
        var output = new StringBuilder();
        Thread pump = Thread.ofVirtual().start(() -> {
            try (var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    System.out.println("[node] " + line);
                    output.append(line).append('\n');
                }
            } catch (IOException e) {
                System.out.println("[node] output ended: " + e.getMessage());
            }
        });
        boolean finished = process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly().waitFor();
        }
        pump.join(10_000);
        assertTrue(finished, String.join(" ", command) + " did not finish within " + TIMEOUT_MINUTES + " minutes");
        assertEquals(0, process.exitValue(), String.join(" ", command) + " failed (its output is in the log above)");
        return output.toString();
    }

    /** A folder of this repository (e.g. {@code clients/web}), found from the module directory Maven runs tests in. */
    static Path repositoryDir(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(relative);
            if (Files.isRegularFile(candidate.resolve("package.json"))) {
                return candidate;
            }
        }
        throw new AssertionError(relative + " not found above " + Path.of("").toAbsolutePath());
    }

    private static String loopback(String url) {
        return url.replace("://localhost:", "://127.0.0.1:");
    }
}
