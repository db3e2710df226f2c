package dev.pulse.config;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Typed reads of an environment map; a bad value fails with the variable's name and the value. Blank = unset. */
final class EnvReader {
    private final Map<String, String> env;

    EnvReader(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** The trimmed value, or null when unset or blank. */
    String text(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    String text(String name, String fallback) {
        String value = text(name);
        return value == null ? fallback : value;
    }

    /** The value exactly as set (secrets keep their bytes), or null when unset or blank. */
    String raw(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value;
    }

    /** Whether the variable is set at all, even to an empty value (empty can mean "off"). */
    boolean isSet(String name) {
        return env.containsKey(name);
    }

    int integer(String name, int fallback, int min) {
        Integer value = parse(name, Integer::valueOf, "an integer");
        int result = value == null ? fallback : value;
        if (result < min) {
            throw new ConfigException(name + " must be at least " + min + ", got '" + env.get(name) + "'");
        }
        return result;
    }

    Duration seconds(String name, Duration fallback) {
        Long value = parse(name, Long::valueOf, "a whole number of seconds");
        if (value != null && value < 1) {
            throw new ConfigException(name + " must be at least 1 second, got '" + env.get(name) + "'");
        }
        return value == null ? fallback : Duration.ofSeconds(value);
    }

    /** {@code true} or {@code false} (any case); the fallback when unset. */
    boolean flag(String name, boolean fallback) {
        Boolean value = parse(name, v -> switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("not true or false");
        }, "true or false");
        return value == null ? fallback : value;
    }

    URI uri(String name) {
        return parse(name, URI::create, "a URI");
    }

    /** Comma-separated, trimmed, empty entries dropped; the fallback applies only when the variable is unset. */
    List<String> list(String name, String fallback) {
        String value = env.containsKey(name) ? env.get(name) : fallback;
        return Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
    }

    /** A value parsed by a component that has its own syntax (rate limits, modes), failing with the variable named. */
    <T> T parse(String name, Function<String, T> parser, String what) {
        String value = text(name);
        if (value == null) {
            return null;
        }
        try {
            return parser.apply(value);
        } catch (RuntimeException e) {
            throw new ConfigException(name + " must be " + what + ", got '" + value + "'"
                    + (e.getMessage() == null || e instanceof NumberFormatException ? "" : ": " + e.getMessage()), e);
        }
    }
}
