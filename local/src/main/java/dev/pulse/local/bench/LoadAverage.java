package dev.pulse.local.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** The machine's load average as the benchmarks print it next to their figures (1, 5 and 15 minutes). */
final class LoadAverage {
    private LoadAverage() {
    }

    static String now() {
        try {
            var fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (Exception e) {
            return "unknown";
        }
    }
}
