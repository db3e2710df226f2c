package dev.pulse.support.log;

import java.time.Instant;
import java.util.Map;
import org.slf4j.event.Level;

/**
 * One line to write: the context fields (MDC, then the line's own key-value pairs) in the order {@link LineFormat}
 * writes them.
 *
 * @param thrown null when the line reports no exception
 */
public record LogLine(Instant time, Level level, String logger, String message, Map<String, Object> fields,
                      Throwable thrown) {
    public LogLine {
        fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
    }
}
