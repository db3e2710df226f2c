package dev.pulse.support.log;

import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.MDC;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.LoggingEventAware;

/**
 * An SLF4J logger that writes each call as one line to standard output (what Lambda sends to CloudWatch Logs). The
 * fluent API's key-value pairs ({@code LOG.atInfo().addKeyValue("outcome", "joined")}) become fields of their own.
 */
final class LineLogger extends LegacyAbstractLogger implements LoggingEventAware {
    private final transient LineFormat format;
    private final Level level;

    LineLogger(String name, Level level, LineFormat format) {
        this.name = name;
        this.level = level;
        this.format = format;
    }

    @Override public boolean isTraceEnabled() { return enabled(Level.TRACE); }
    @Override public boolean isDebugEnabled() { return enabled(Level.DEBUG); }
    @Override public boolean isInfoEnabled() { return enabled(Level.INFO); }
    @Override public boolean isWarnEnabled() { return enabled(Level.WARN); }
    @Override public boolean isErrorEnabled() { return enabled(Level.ERROR); }

    private boolean enabled(Level wanted) {
        // SLF4J's levels count down from ERROR (40) to TRACE (0).
        return wanted.toInt() >= level.toInt();
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level at, Marker marker, String pattern, Object[] arguments,
                                               Throwable thrown) {
        write(at, pattern, arguments, Map.of(), thrown);
    }

    /** The fluent API's calls: {@code DefaultLoggingEventBuilder} hands them here, key-value pairs included. */
    @Override
    public void log(LoggingEvent event) {
        if (!enabled(event.getLevel())) {
            return;
        }
        var pairs = new LinkedHashMap<String, Object>();
        if (event.getKeyValuePairs() != null) {
            event.getKeyValuePairs().forEach(pair -> pairs.put(pair.key, pair.value));
        }
        write(event.getLevel(), event.getMessage(), event.getArgumentArray(), pairs, event.getThrowable());
    }

    private void write(Level at, String pattern, Object[] arguments, Map<String, Object> pairs, Throwable thrown) {
        var formatted = MessageFormatter.basicArrayFormat(pattern, arguments);
        if (thrown == null && arguments != null && arguments.length > 0
                && arguments[arguments.length - 1] instanceof Throwable last) {
            thrown = last;
        }
        String line = format.render(new LogLine(Instant.now(), at, name, formatted, fields(pairs), thrown));
        // System.out looked up per line, so a redirection (a test's capture) applies; one print per line keeps
        // lines from concurrent threads whole.
        PrintStream out = System.out;
        out.println(line);
    }

    /** The MDC's fields in {@link LogField#ORDERED} order, then the line's own pairs (which win on a clash). */
    private static Map<String, Object> fields(Map<String, Object> pairs) {
        Map<String, String> context = MDC.getCopyOfContextMap();
        var all = new LinkedHashMap<String, Object>();
        for (String key : LogField.ORDERED) {
            Object value = pairs.containsKey(key) ? pairs.get(key) : context == null ? null : context.get(key);
            if (value != null) {
                all.put(key, value);
            }
        }
        if (context != null) {
            context.forEach(all::putIfAbsent);
        }
        pairs.forEach(all::putIfAbsent);
        return all;
    }
}
