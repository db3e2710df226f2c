package dev.pulse.support.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmfMetricsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final EmfMetrics metrics = new EmfMetrics("Pulse/test",
            Clock.fixed(Instant.ofEpochMilli(1_764_633_600_000L), ZoneOffset.UTC), () -> out);

    private List<JsonNode> documents() throws Exception {
        var documents = new ArrayList<JsonNode>();
        for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isEmpty()) {
                documents.add(JSON.readTree(line));
            }
        }
        return documents;
    }

    @Test
    void oneDocumentPerDimensionSetWithCountsSummedAndDurationsKept() throws Exception {
        metrics.count(Metric.CONNECTS);
        metrics.count(Metric.CONNECTS);
        metrics.record(Metric.FANOUT_DURATION, 12, Map.of());
        metrics.record(Metric.FANOUT_DURATION, 30, Map.of());
        metrics.count(Metric.ACTIONS_REFUSED, "Reason", "rate_limited");
        metrics.record(Metric.ACTIONS_REFUSED, 1, Map.of("Reason", "rate_limited", "Action", "typing.start"));
        metrics.record(Metric.ACTIONS_REFUSED, 1, Map.of("Action", "typing.start", "Reason", "rate_limited"));
        metrics.flush();

        var documents = documents();
        assertEquals(3, documents.size(), documents.toString());
        JsonNode plain = documents.stream().filter(d -> d.has("Connects")).findFirst().orElseThrow();
        assertEquals(2, plain.path("Connects").asInt());
        assertEquals(List.of(12.0, 30.0), JSON.convertValue(plain.path("FanOutDuration"), List.class));
        JsonNode directive = plain.path("_aws").path("CloudWatchMetrics").get(0);
        assertEquals(1_764_633_600_000L, plain.path("_aws").path("Timestamp").asLong());
        assertEquals("Pulse/test", directive.path("Namespace").asText());
        assertEquals("[[]]", directive.path("Dimensions").toString());
        assertEquals("[{\"Name\":\"Connects\",\"Unit\":\"Count\"},{\"Name\":\"FanOutDuration\",\"Unit\":\"Milliseconds\"}]",
                directive.path("Metrics").toString());

        JsonNode byBoth = documents.stream().filter(d -> d.has("Action")).findFirst().orElseThrow();
        assertEquals("[[\"Action\",\"Reason\"]]", byBoth.path("_aws").path("CloudWatchMetrics").get(0).path("Dimensions").toString());
        assertEquals("typing.start", byBoth.path("Action").asText());
        assertEquals("rate_limited", byBoth.path("Reason").asText());
        assertEquals(2, byBoth.path("ActionsRefused").asInt(), "one dimension set, whatever order it was given in");
    }

    @Test
    void deferredCountsRideWithTheNextDocumentOrWaitAMinuteAtMost() throws Exception {
        var now = new java.util.concurrent.atomic.AtomicLong(1_764_633_600_000L);
        var clock = new Clock() {
            @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(java.time.ZoneId zone) { return this; }
            @Override public Instant instant() { return Instant.ofEpochMilli(now.get()); }
        };
        var pings = new EmfMetrics("Pulse/test", clock, () -> out);
        pings.countDeferred(Metric.ACTIONS, "Action", "ping");
        pings.flush();
        pings.countDeferred(Metric.ACTIONS, "Action", "ping");
        pings.flush();
        assertEquals(List.of(), documents(), "a ping alone writes no document");

        pings.count(Metric.ACTIONS, "Action", "room.join");
        pings.countDeferred(Metric.ACTIONS, "Action", "ping");
        pings.flush();
        var documents = documents();
        assertEquals(2, documents.size(), documents.toString());
        JsonNode ping = documents.stream().filter(d -> "ping".equals(d.path("Action").asText())).findFirst().orElseThrow();
        assertEquals(3, ping.path("Actions").asInt(), "every ping counted, with the next document written");
        bytes.reset();

        pings.countDeferred(Metric.ACTIONS, "Action", "ping");
        now.addAndGet(EmfMetrics.DEFER_MILLIS - 1);
        pings.flush();
        assertEquals(List.of(), documents());
        now.addAndGet(1);
        pings.flush();
        assertEquals(1, documents().size(), "written alone once it waited a minute");
        assertEquals(1, documents().getFirst().path("Actions").asInt());
    }

    @Test
    void aFlushForgetsWhatItWroteAndAnEmptyOneWritesNothing() throws Exception {
        metrics.count(Metric.DISCONNECTS);
        metrics.flush();
        metrics.flush();
        assertEquals(1, documents().size());
    }

    @Test
    void moreThanAHundredValuesAreSplitOverDocuments() throws Exception {
        for (int i = 0; i < 250; i++) {
            metrics.record(Metric.DELIVERY_LATENCY, i, Map.of());
        }
        metrics.count(Metric.DELIVERIES);
        metrics.flush();
        var documents = documents();
        assertEquals(3, documents.size());
        assertEquals(List.of(100, 100, 50), documents.stream().map(d -> d.path("DeliveryLatency").size()).toList());
        assertEquals(1, documents.getFirst().path("Deliveries").asInt());
        assertTrue(documents.get(1).path("Deliveries").isMissingNode(), "the count is written once");
    }

    @Test
    void aNamespaceIsRequired() {
        assertThrows(IllegalArgumentException.class, () -> new EmfMetrics(" "));
    }
}
