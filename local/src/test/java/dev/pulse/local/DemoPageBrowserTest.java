package dev.pulse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The demo page in a real browser: Debian's chromium, headless, driven by playwright-core from
 * {@code clients/web/browser-test/demo.test.mjs} against a local system of its own with the HYVVE catalog on, as
 * {@code PULSE_CATALOG=hyvve ./pulse local} runs. The Node script holds the scenarios (connect, a published event in the
 * queue, a second user's presence and typing, a forced disconnect recovered through sync, the HTTP polling
 * fallback), and {@code react.test.mjs} those of the React binding ({@code clients/web/src/react.js}: a small app
 * bundled with esbuild connects, renders events, stops on unmount), and {@code client.test.mjs} those of the client
 * itself (a reconnect without loss in six rooms, in ordered mode; a refused token told from a server that is down,
 * where the browser sees the same bare 1006 close); this test gives them the URLs, streams their
 * output and requires them to pass, and then that the fan-out refused nothing: every event they published matched
 * the catalog. A machine without chromium or the script's
 * node_modules fails here with the command that installs them: a missing browser must not look like a passing test.
 */
class DemoPageBrowserTest {
    private static final Path CHROMIUM = Path.of(System.getProperty("pulse.chromium", "/usr/bin/chromium"));
    private static final long TIMEOUT_MINUTES = 4;

    @Test
    void theDemoPageWorksInARealBrowser() throws Exception {
        Path scripts = repositoryRoot().resolve("clients/web/browser-test");
        requireInstalled(scripts);
        try (var system = LocalSystem.start(LocalSettings.ephemeral().withHandlerSetting("PULSE_CATALOG", "hyvve"))) {
            runScenarios(scripts, system);
            // Validated by the publisher at /dev/publish (a refusal fails the script) and again by the fan-out:
            // nothing may have ended on the dead-letter path.
            assertTrue(system.awaitDeliveries(java.time.Duration.ofSeconds(20)), "deliveries did not finish");
            assertEquals(List.of(), system.rejectedEvents(), "the fan-out refused events the demo published");
            assertEquals(List.of(), system.eventBus().deadLetters(), "fan-out invocations failed");
            assertEquals(List.of(), system.queueDeadLetters(), "fan-out batches failed");
        }
    }

    private static void runScenarios(Path scripts, LocalSystem system) throws Exception {
        var ws = system.webSocketUri();
        String page = "http://" + ws.getHost() + ":" + ws.getPort() + "/";
        Path screenshots = Path.of("target", "demo-screenshots").toAbsolutePath();
        Files.createDirectories(screenshots);
        // -Dpulse.browserTests=client.test.mjs runs some of them (while working on one).
        var files = List.of(System.getProperty("pulse.browserTests", "demo.test.mjs,react.test.mjs,client.test.mjs").split(","));
        var env = new java.util.HashMap<String, String>();
        env.put("PULSE_DEMO_URL", page);
        env.put("PULSE_WS_URL", ws.toString());
        env.put("PULSE_HTTP_URL", page);
        // The script does not sign its @connections DELETE; the proxy signs it with the local credentials.
        try (var signing = SigningProxy.start(system)) {
            env.put("PULSE_MANAGEMENT_URL", signing.managementEndpoint().toString());
            env.put("PULSE_CHROMIUM", CHROMIUM.toString());
            // client.test.mjs signs an expired token (which /dev/token will not mint) with the system's secret.
            env.put("PULSE_JWT_SECRET", LocalSettings.DEVELOPMENT_SECRET);
            env.put("PULSE_SCREENSHOTS", screenshots.toString());
            runNodeTests(scripts, files, env);
        }
    }

    /**
     * Runs the Node test files with the environment, streaming their output, and requires them to pass: exit 0, at least
     * one scenario passed and none failed (the admin page's browser test runs its script the same way).
     */
    static void runNodeTests(Path scripts, List<String> files, java.util.Map<String, String> env) throws Exception {
        var command = new java.util.ArrayList<>(List.of("node", "--test", "--test-reporter=spec", "--test-concurrency=1"));
        command.addAll(files);
        var process = new ProcessBuilder(command)
                .directory(scripts.toFile())
                .redirectErrorStream(true);
        process.environment().putAll(env);
        process.environment().putIfAbsent("PULSE_CHROMIUM", CHROMIUM.toString());
        Process node = process.start();
        // Streamed as it comes, so a hanging scenario shows how far it got.
        var output = new StringBuilder();
        Thread pump = Thread.ofVirtual().start(() -> {
            try (var lines = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    System.out.println("[browser-test] " + line);
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        try {
            if (!node.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                fail("the browser test did not finish within " + TIMEOUT_MINUTES + " minutes");
            }
            pump.join(5_000);
            String text;
            synchronized (output) {
                text = output.toString();
            }
            assertEquals(0, node.exitValue(), "the browser test failed (its output is above):\n" + text);
            // Exit 0 with no scenario run would pass vacuously: require the summary's counts.
            var pass = java.util.regex.Pattern.compile("(?m)^\\S+ pass (\\d+)$").matcher(text);
            assertTrue(pass.find() && Integer.parseInt(pass.group(1)) > 0, "no passed scenarios in the output:\n" + text);
            assertTrue(text.contains("fail 0"), "failed scenarios in the output:\n" + text);
        } finally {
            node.descendants().forEach(ProcessHandle::destroyForcibly);
            node.destroyForcibly();
        }
    }

    static void requireInstalled(Path scripts) {
        String install = " Run ./pulse test once (it installs what the browser test needs), or by hand: "
                + "sudo apt-get install -y chromium && npm ci --prefix clients/web/browser-test";
        if (!Files.isExecutable(CHROMIUM)) {
            fail("chromium is missing at " + CHROMIUM + "." + install);
        }
        for (String module : List.of("playwright-core", "react", "react-dom", "esbuild")) {
            if (!Files.isDirectory(scripts.resolve("node_modules").resolve(module))) {
                fail(module + " is not installed in " + scripts + "." + install);
            }
        }
        try {
            if (new ProcessBuilder("node", "--version").start().waitFor() != 0) {
                fail("node does not run." + install);
            }
        } catch (IOException | InterruptedException e) {
            fail("node is missing (" + e.getMessage() + ")." + install);
        }
    }

    /** Surefire runs in the module's folder; the scripts live beside the modules. */
    static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("clients/web")) && Files.exists(dir.resolve("pulse"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository root (with clients/web and pulse) above " + Path.of("").toAbsolutePath());
    }
}
