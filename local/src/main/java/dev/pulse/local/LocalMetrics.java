package dev.pulse.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.protocol.Json;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the handlers' EMF documents go locally: read back as CloudWatch would (each metric summed per name and
 * dimension values), so the admin page can show the counters, instead of being printed among {@code ./pulse local}'s
 * text lines. The documents themselves are the deployed ones, written by the same writer; the latest are kept for the
 * tests, and with {@code echo} (the deployed JSON log format) they are printed too.
 */
public final class LocalMetrics implements Consumer<String> {
    private static final Logger LOG = LoggerFactory.getLogger(LocalMetrics.class);
    /** Documents kept for {@link #documentsSince}: a test's worth, bounded so a long session does not grow. */
    static final int KEPT_DOCUMENTS = 20_000;

    /** One metric under one set of dimension values. */
    public record Series(String metric, Map<String, String> dimensions) {
        public Series {
            dimensions = java.util.Collections.unmodifiableMap(new TreeMap<>(dimensions));
        }
    }

    /**
     * What a series added up to: for counts, {@code sum} is the count; for durations, {@code values} samples with their
     * sum and largest.
     */
    public record Totals(String unit, long values, double sum, double max) {
        Totals add(double value) {
            return new Totals(unit, values + 1, sum + value, Math.max(max, value));
        }
    }

    private final boolean echo;
    private final TreeMap<Series, Totals> totals = new TreeMap<>(
            Comparator.comparing(Series::metric).thenComparing(s -> s.dimensions().toString()));
    private final ArrayDeque<String> documents = new ArrayDeque<>();
    private long written;

    /** @param echo also print each document on standard output, as a function would */
    public LocalMetrics(boolean echo) {
        this.echo = echo;
    }

    @Override
    public void accept(String document) {
        if (echo) {
            System.out.println(document);
        }
        try {
            add(Json.MAPPER.readTree(document));
        } catch (Exception e) {
            // Never fails the invocation that flushed it, as a metrics failure must not.
            LOG.warn("EMF document not counted: {}", e.toString());
        }
        synchronized (this) {
            documents.addLast(document);
            written++;
            if (documents.size() > KEPT_DOCUMENTS) {
                documents.removeFirst();
            }
        }
    }

    private void add(JsonNode document) {
        JsonNode directive = document.path("_aws").path("CloudWatchMetrics").path(0);
        var dimensions = new TreeMap<String, String>();
        for (JsonNode set : directive.path("Dimensions")) {
            set.forEach(name -> dimensions.put(name.asText(), document.path(name.asText()).asText()));
        }
        for (JsonNode metric : directive.path("Metrics")) {
            String name = metric.path("Name").asText();
            String unit = metric.path("Unit").asText("None");
            JsonNode value = document.path(name);
            var series = new Series(name, dimensions);
            synchronized (this) {
                for (JsonNode v : value.isArray() ? value : List.of(value)) {
                    if (v.isNumber()) {
                        totals.merge(series, new Totals(unit, 1, v.asDouble(), v.asDouble()),
                                (old, one) -> old.add(one.sum()));
                    }
                }
            }
        }
    }

    /** Every series counted since the start, sorted by metric name, then dimensions. */
    public synchronized Map<Series, Totals> totals() {
        return java.util.Collections.unmodifiableMap(new TreeMap<>(totals));
    }

    /** How many documents have been written so far: a mark for {@link #documentsSince}. */
    public synchronized long mark() {
        return written;
    }

    /** The documents written after the mark (of the latest {@value #KEPT_DOCUMENTS}), oldest first. */
    public synchronized List<String> documentsSince(long mark) {
        long first = written - documents.size();
        var list = new ArrayList<String>();
        long index = first;
        for (String document : documents) {
            if (index++ >= mark) {
                list.add(document);
            }
        }
        return list;
    }
}
