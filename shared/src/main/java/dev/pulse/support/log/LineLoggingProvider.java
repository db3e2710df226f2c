package dev.pulse.support.log;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Pulse's SLF4J 2 provider: one line per call on standard output, JSON by default ({@link LogSettings}). Found by
 * SLF4J through {@code META-INF/services}. Chosen over Logback or Log4j 2 with a JSON layout for the cold start and
 * the jar (docs/BENCHMARKS.md, "Logging"): it loads a handful of classes and uses the Jackson already in the jar.
 */
public final class LineLoggingProvider implements SLF4JServiceProvider {
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new BasicMDCAdapter();
    private ILoggerFactory loggers;

    @Override
    public void initialize() {
        LogSettings settings = LogSettings.fromEnvironment();
        LineFormat format = LineFormat.of(settings.format());
        ConcurrentMap<String, Logger> made = new ConcurrentHashMap<>();
        loggers = name -> made.computeIfAbsent(name, n -> new LineLogger(n, settings.levelFor(n), format));
        for (String problem : settings.problems()) {
            loggers.getLogger(LineLoggingProvider.class.getName()).warn(problem);
        }
    }

    @Override public ILoggerFactory getLoggerFactory() { return loggers; }
    @Override public IMarkerFactory getMarkerFactory() { return markers; }
    @Override public MDCAdapter getMDCAdapter() { return mdc; }
    @Override public String getRequestedApiVersion() { return "2.0.99"; }
}
