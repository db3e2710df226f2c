package dev.pulse.local.bench;

import dev.pulse.config.Env;
import dev.pulse.local.LocalSettings;
import dev.pulse.local.LocalSystem;
import dev.pulse.local.gateway.WebSocketGateway;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cold start of each handler, measured locally: a fresh JVM on the deployable jar alone (plus the probe),
 * from process spawn to the first handled event against DynamoDB Local, several times each, and the jar's
 * size. Lambda adds its own sandbox start and, with SnapStart, restores a snapshot instead of booting;
 * this is the part our code and its dependencies own.
 *
 * <p>Run: {@code ./pulse bench-cold} (see docs/BENCHMARKS.md).
 */
public final class ColdStartBenchmark {
    private static final int RUNS = 5;

    public static void main(String[] args) throws Exception {
        Path jar = Files.list(Path.of("functions/target"))
                .filter(p -> p.getFileName().toString().endsWith("-lambda.jar")).findFirst()
                .orElseThrow(() -> new IllegalStateException("build functions first: mvn -pl functions -am package"));
        System.out.printf("jar %s: %.1f MB%n", jar.getFileName(), Files.size(jar) / 1e6);
        int status = 0;
        try (var system = LocalSystem.start(LocalSettings.ephemeral())) {
            String java = ProcessHandle.current().info().command().orElse("java");
            String classpath = jar.toAbsolutePath() + File.pathSeparator + Path.of("local/target/classes").toAbsolutePath();
            for (String handler : List.of("connect", "default", "disconnect", "fanout", "fanout-catalog")) {
                double[] millis = new double[RUNS];
                for (int run = 0; run < RUNS; run++) {
                    String connectionId = "Q29sZFN0YXJ0" + handler.charAt(0) + run + "=";
                    if (!handler.equals("connect")) {
                        probe(java, classpath, system, "connect", connectionId); // the connection the others act on
                    }
                    millis[run] = probe(java, classpath, system, handler, connectionId);
                }
                Arrays.sort(millis);
                System.out.printf("%-10s JVM spawn → first event handled: median %6.0f ms   min %6.0f ms   max %6.0f ms%n",
                        handler, millis[RUNS / 2], millis[0], millis[RUNS - 1]);
            }
        } catch (Exception | Error e) {
            e.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }

    private static double probe(String java, String classpath, LocalSystem system, String handler, String connectionId)
            throws Exception {
        String token = system.tokens().issue("cold-user", "cold", Duration.ofMinutes(10));
        var command = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classpath,
                ColdStartProbe.class.getName(), handler, connectionId, token));
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(system.lambdaEnvironment());
        // The default credentials chain reads these: the only ones the local @connections API accepts, and
        // without a session token of this shell's, which it would refuse.
        builder.environment().put("AWS_ACCESS_KEY_ID", WebSocketGateway.DEFAULT_CREDENTIALS.accessKeyId());
        builder.environment().put("AWS_SECRET_ACCESS_KEY", WebSocketGateway.DEFAULT_CREDENTIALS.secretAccessKey());
        builder.environment().remove("AWS_SESSION_TOKEN");
        if (handler.equals("fanout-catalog")) {
            builder.environment().put(Env.CATALOG, "hyvve"); // loads and compiles the catalog at init
        }
        long start = System.nanoTime();
        var process = builder.start();
        String handled = null;
        var output = new StringBuilder();
        try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("HANDLED ")) {
                    handled = line;
                    break;
                }
                output.append(line).append('\n');
            }
        }
        double millis = (System.nanoTime() - start) / 1e6;
        process.waitFor();
        if (handled == null || !handled.equals("HANDLED 200") || output.toString().contains("event refused")) {
            throw new IllegalStateException(handler + " probe did not succeed (" + handled + "):\n" + output);
        }
        return millis;
    }
}
