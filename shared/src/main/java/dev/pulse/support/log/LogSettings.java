package dev.pulse.support.log;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.slf4j.event.Level;

/**
 * How lines are written: the format and the level per logger. Read by the logging provider when SLF4J starts, which
 * is before (and independent of) {@code dev.pulse.config}: configuration errors must themselves be loggable.
 *
 * <ul>
 *   <li>{@code PULSE_LOG_FORMAT}: {@code json} (one JSON object per line, the default) or {@code text} (a compact
 *       human line, what {@code ./pulse local} sets through the {@code pulse.log.format} system property).</li>
 *   <li>{@code PULSE_LOG_LEVEL}: a level, optionally followed by {@code logger-prefix=level} pairs, comma separated,
 *       e.g. {@code info,dev.pulse.delivery=debug}. The platform's libraries (Jetty, the AWS SDK, DynamoDB Local) are
 *       at warn unless named.</li>
 * </ul>
 * A value that cannot be read falls back to the default and is reported by {@link #problems()} (the provider logs
 * them as a warn line on start), so a typo never silences the logs.
 */
public record LogSettings(Format format, Level defaultLevel, List<Prefix> prefixes, List<String> problems) {
    public enum Format { JSON, TEXT }

    /** A level for the loggers whose names start with a prefix. */
    public record Prefix(String prefix, Level level) {
    }

    private static final List<Prefix> QUIET_LIBRARIES = List.of(new Prefix("org.eclipse.jetty", Level.WARN),
            new Prefix("com.amazonaws", Level.WARN), new Prefix("software.amazon", Level.WARN),
            new Prefix("org.apache.http", Level.WARN));

    public LogSettings {
        prefixes = prefixes.stream().sorted(Comparator.comparingInt((Prefix p) -> p.prefix().length()).reversed()).toList();
        problems = List.copyOf(problems);
    }

    /** From the environment first, then the system properties {@code pulse.log.format} and {@code pulse.log.level}. */
    public static LogSettings fromEnvironment() {
        return parse(name -> {
            String value = System.getenv(name);
            return value != null ? value : System.getProperty(name.toLowerCase(Locale.ROOT).replace('_', '.'));
        });
    }

    public static LogSettings parse(Function<String, String> source) {
        var problems = new ArrayList<String>();
        Format format = Format.JSON;
        String formatValue = trimmed(source.apply("PULSE_LOG_FORMAT"));
        if (formatValue != null) {
            try {
                format = Format.valueOf(formatValue.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.add("PULSE_LOG_FORMAT=" + formatValue + " is not json or text; writing json");
            }
        }
        Level defaultLevel = Level.INFO;
        var prefixes = new ArrayList<>(QUIET_LIBRARIES);
        String levelValue = trimmed(source.apply("PULSE_LOG_LEVEL"));
        if (levelValue != null) {
            for (String part : levelValue.split(",")) {
                String item = part.trim();
                int equals = item.indexOf('=');
                Level level = level(equals < 0 ? item : item.substring(equals + 1).trim());
                if (level == null) {
                    problems.add("PULSE_LOG_LEVEL item '" + item + "' is not [logger=]trace|debug|info|warn|error; ignored");
                } else if (equals < 0) {
                    defaultLevel = level;
                } else {
                    String prefix = item.substring(0, equals).trim();
                    prefixes.removeIf(p -> p.prefix().equals(prefix));
                    prefixes.add(new Prefix(prefix, level));
                }
            }
        }
        return new LogSettings(format, defaultLevel, prefixes, problems);
    }

    /** The level of a logger: its longest matching prefix's, else the default. */
    public Level levelFor(String loggerName) {
        for (Prefix p : prefixes) {
            if (loggerName.startsWith(p.prefix())) {
                return p.level();
            }
        }
        return defaultLevel;
    }

    private static Level level(String name) {
        try {
            return Level.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String trimmed(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
