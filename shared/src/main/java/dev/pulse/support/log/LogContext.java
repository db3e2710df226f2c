package dev.pulse.support.log;

import java.util.Map;
import org.slf4j.MDC;

/**
 * The context of one invocation, in SLF4J's MDC. A handler opens it on entry and closes it on exit (the MDC is per
 * thread and Lambda reuses threads, so nothing may leak into the next invocation); the core adds what it learns on
 * the way (who the connection belongs to).
 */
public final class LogContext implements AutoCloseable {
    private LogContext() {
    }

    /** Starts an invocation's context, dropping anything a previous one on this thread left. */
    public static LogContext open(String route, String requestId, String invocationId) {
        MDC.clear();
        put(LogField.ROUTE, route);
        put(LogField.REQUEST_ID, requestId);
        put(LogField.INVOCATION_ID, invocationId);
        return new LogContext();
    }

    /** Adds one field; a null or empty value removes it (fields are never written empty). */
    public static void put(String field, String value) {
        if (value == null || value.isEmpty()) {
            MDC.remove(field);
        } else {
            MDC.put(field, value);
        }
    }

    /** Who sent the frame or opened the connection, once known. */
    public static void identity(String userId, String workspaceId) {
        put(LogField.USER_ID, userId);
        put(LogField.WORKSPACE_ID, workspaceId);
    }

    /** This thread's fields, to log with elsewhere (an I/O thread's callback, {@link #with}); null when there are none. */
    public static Map<String, String> capture() {
        return MDC.getCopyOfContextMap();
    }

    /** Runs {@code work} with captured fields as this thread's, then gives the thread back what it had. */
    public static void with(Map<String, String> fields, Runnable work) {
        var previous = MDC.getCopyOfContextMap();
        set(fields);
        try {
            work.run();
        } finally {
            set(previous);
        }
    }

    private static void set(Map<String, String> fields) {
        if (fields == null || fields.isEmpty()) {
            MDC.clear();
        } else {
            MDC.setContextMap(fields);
        }
    }

    @Override
    public void close() {
        MDC.clear();
    }
}
