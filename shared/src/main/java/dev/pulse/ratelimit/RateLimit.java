package dev.pulse.ratelimit;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * At most {@code max} requests per {@code window}, e.g. {@code 5/60s}.
 *
 * @param max    requests allowed in one window (at least 1)
 * @param window the window length (whole seconds, at least 1 s)
 */
public record RateLimit(int max, Duration window) {
    private static final Pattern SPEC = Pattern.compile("(\\d+)/(\\d+)(ms|s|m)?");

    public RateLimit {
        if (max < 1) {
            throw new IllegalArgumentException("a rate limit allows at least 1 request, got " + max);
        }
        if (window == null || window.toSeconds() < 1) {
            throw new IllegalArgumentException("a rate-limit window is at least 1 s, got " + window);
        }
    }

    /** Parses {@code <max>/<window>} with the window in s (default) or m: {@code 3/10s}, {@code 5/1m}. */
    public static RateLimit parse(String spec) {
        var m = SPEC.matcher(spec.trim());
        if (!m.matches() || "ms".equals(m.group(3))) {
            throw new IllegalArgumentException("rate limit must look like 5/60s or 5/1m, got '" + spec + "'");
        }
        long amount = Long.parseLong(m.group(2));
        Duration window = "m".equals(m.group(3)) ? Duration.ofMinutes(amount) : Duration.ofSeconds(amount);
        return new RateLimit(Integer.parseInt(m.group(1)), window);
    }

    @Override
    public String toString() {
        return max + "/" + window.toSeconds() + "s";
    }
}
