package dev.pulse.support.metrics;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CloudWatch Embedded Metric Format: one JSON document per line on standard output, which Lambda sends to CloudWatch
 * Logs, which extracts the metrics (no PutMetricData call, no extra latency). One document per dimension set, each
 * value array at most 100 long (EMF's limit). Thread-safe: the fan-out records from its posting threads.
 *
 * @see <a href="https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html">the specification</a>
 */
public final class EmfMetrics implements Metrics {
    private static final Logger LOG = LoggerFactory.getLogger(EmfMetrics.class);
    private static final JsonFactory JSON = new JsonFactory();
    private static final int MAX_VALUES = 100;
    /** How long a deferred count may wait for a document to ride with. */
    static final long DEFER_MILLIS = 60_000;

    private final String namespace;
    private final Clock clock;
    private final Consumer<String> out;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private ConcurrentMap<Key, List<Double>> pending = new ConcurrentHashMap<>();
    /** Deferred counts, and when the oldest of them was counted (0: none). Guarded by itself. */
    private final Map<Key, Double> deferred = new java.util.HashMap<>();
    private long deferredSince;

    /** One metric under one set of dimension values (sorted, so equal sets are one key). */
    private record Key(Metric metric, TreeMap<String, String> dimensions) {
    }

    /** Writes to standard output, looked up at each flush (so a redirection applies). */
    public EmfMetrics(String namespace) {
        this(namespace, Clock.systemUTC(), () -> System.out);
    }

    public EmfMetrics(String namespace, Clock clock, Supplier<PrintStream> out) {
        this(namespace, clock, (Consumer<String>) line -> out.get().println(line));
    }

    /**
     * @param out takes each document, one line of JSON (the local runtime counts them for its admin page instead of
     *            printing them among its text lines)
     */
    public EmfMetrics(String namespace, Clock clock, Consumer<String> out) {
        if (namespace == null || namespace.isBlank()) {
            throw new IllegalArgumentException("a metrics namespace is required");
        }
        this.namespace = namespace;
        this.clock = clock;
        this.out = out;
    }

    @Override
    public void record(Metric metric, double value, Map<String, String> dimensions) {
        // The read lock lets recorders run together and keeps a flush from taking the map out from under one.
        lock.readLock().lock();
        try {
            var values = pending.computeIfAbsent(new Key(metric, new TreeMap<>(dimensions)), key -> new ArrayList<>());
            synchronized (values) {
                if (metric.unit() == Metric.Unit.COUNT && !values.isEmpty()) {
                    values.set(0, values.getFirst() + value);
                } else {
                    values.add(value);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("metric {} not recorded: {}", metric.metricName(), e.toString());
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void countDeferred(Metric metric, String dimension, String value) {
        try {
            var key = new Key(metric, new TreeMap<>(Map.of(dimension, value)));
            synchronized (deferred) {
                if (deferred.isEmpty()) {
                    deferredSince = clock.millis();
                }
                deferred.merge(key, 1.0, Double::sum);
            }
        } catch (RuntimeException e) {
            LOG.warn("metric {} not recorded: {}", metric.metricName(), e.toString());
        }
    }

    @Override
    public void flush() {
        ConcurrentMap<Key, List<Double>> taken;
        lock.writeLock().lock();
        try {
            taken = pending;
            pending = new ConcurrentHashMap<>();
        } finally {
            lock.writeLock().unlock();
        }
        synchronized (deferred) {
            // With a document written anyway, or once they have waited long enough: never a document for them alone
            // more often than once a minute.
            if (!deferred.isEmpty() && (!taken.isEmpty() || clock.millis() - deferredSince >= DEFER_MILLIS)) {
                deferred.forEach((key, count) -> taken.merge(key, new ArrayList<>(List.of(count)), (values, extra) -> {
                    values.set(0, values.getFirst() + extra.getFirst());
                    return values;
                }));
                deferred.clear();
            }
        }
        try {
            var byDimensions = new LinkedHashMap<TreeMap<String, String>, Map<Metric, List<Double>>>();
            taken.forEach((key, values) -> byDimensions.computeIfAbsent(key.dimensions(), d -> new EnumMap<>(Metric.class))
                    .put(key.metric(), values));
            long timestamp = clock.millis();
            for (var group : byDimensions.entrySet()) {
                for (int from = 0; ; from += MAX_VALUES) {
                    var slice = slice(group.getValue(), from);
                    if (slice.isEmpty()) {
                        break;
                    }
                    out.accept(document(group.getKey(), slice, timestamp));
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("metrics not written: {}", e.toString());
        }
    }

    /** Each metric's values from {@code from}, at most {@link #MAX_VALUES} of them (EMF's limit per document). */
    private static Map<Metric, List<Double>> slice(Map<Metric, List<Double>> metrics, int from) {
        var slice = new EnumMap<Metric, List<Double>>(Metric.class);
        metrics.forEach((metric, values) -> {
            if (from < values.size()) {
                slice.put(metric, values.subList(from, Math.min(values.size(), from + MAX_VALUES)));
            }
        });
        return slice;
    }

    private String document(TreeMap<String, String> dimensions, Map<Metric, List<Double>> metrics, long timestamp)
            throws IOException {
        var text = new StringWriter(256);
        try (JsonGenerator json = JSON.createGenerator(text)) {
            json.writeStartObject();
            json.writeObjectFieldStart("_aws");
            json.writeNumberField("Timestamp", timestamp);
            json.writeArrayFieldStart("CloudWatchMetrics");
            json.writeStartObject();
            json.writeStringField("Namespace", namespace);
            json.writeArrayFieldStart("Dimensions");
            json.writeStartArray();
            for (String name : dimensions.keySet()) {
                json.writeString(name);
            }
            json.writeEndArray();
            json.writeEndArray();
            json.writeArrayFieldStart("Metrics");
            for (Metric metric : metrics.keySet()) {
                json.writeStartObject();
                json.writeStringField("Name", metric.metricName());
                json.writeStringField("Unit", metric.unit().cloudWatch());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
            json.writeEndArray();
            json.writeEndObject();
            for (var dimension : dimensions.entrySet()) {
                json.writeStringField(dimension.getKey(), dimension.getValue());
            }
            for (var metric : metrics.entrySet()) {
                json.writeFieldName(metric.getKey().metricName());
                if (metric.getValue().size() == 1) {
                    json.writeNumber(metric.getValue().getFirst());
                } else {
                    json.writeStartArray();
                    for (double value : metric.getValue()) {
                        json.writeNumber(value);
                    }
                    json.writeEndArray();
                }
            }
            json.writeEndObject();
        }
        return text.toString();
    }
}
