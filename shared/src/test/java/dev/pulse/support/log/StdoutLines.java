package dev.pulse.support.log;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Captures what is written to standard output while it is open (the log lines, where Lambda reads them), and still
 * passes it on to the real output. Lines are split on newlines as CloudWatch Logs would.
 */
public final class StdoutLines implements AutoCloseable {
    private final PrintStream original = System.out;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    private StdoutLines() {
        System.setOut(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (captured) {
                    captured.write(b);
                }
                original.write(b);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                synchronized (captured) {
                    captured.write(bytes, offset, length);
                }
                original.write(bytes, offset, length);
            }
        }, true, StandardCharsets.UTF_8));
    }

    public static StdoutLines capture() {
        return new StdoutLines();
    }

    /** The complete lines written so far. */
    public List<String> lines() {
        String text;
        synchronized (captured) {
            text = captured.toString(StandardCharsets.UTF_8);
        }
        int end = text.lastIndexOf('\n');
        return end < 0 ? List.of() : new ArrayList<>(List.of(text.substring(0, end).split("\n")));
    }

    @Override
    public void close() {
        System.setOut(original);
    }
}
