package dev.pulse.local.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A benchmark's clients in a JVM of their own (a process may hold only so many sockets, and the system under test
 * should not share a JVM with its load), on this class path, talking line by line over stdin/stdout.
 */
final class ClientProcess implements AutoCloseable {
    private final Process process;
    private final BufferedReader in;
    private final PrintWriter out;

    ClientProcess(String heap, Class<?> main, List<String> args) throws Exception {
        var command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx" + heap,
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(args);
        this.process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        this.in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.out = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    void send(String line) {
        out.println(line);
    }

    /** The next line starting with {@code prefix} (lines before it are skipped). */
    String expect(String prefix) throws Exception {
        for (String line; (line = in.readLine()) != null; ) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new IllegalStateException("client process ended before '" + prefix + "'");
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
