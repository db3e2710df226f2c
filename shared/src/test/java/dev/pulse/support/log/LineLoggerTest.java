package dev.pulse.support.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/** Through SLF4J itself: this module's tests run with Pulse's provider, as the functions do. */
class LineLoggerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void slf4jFindsPulsesProvider() {
        assertInstanceOf(LineLogger.class, LoggerFactory.getLogger("dev.pulse.test"));
    }

    @Test
    void everyLineIsOneJsonObjectWithTheContextFieldsFirstAndTheLinesOwnPairs() throws Exception {
        var log = LoggerFactory.getLogger("dev.pulse.test.Lines");
        List<String> lines;
        try (var out = StdoutLines.capture(); var context = LogContext.open("$default", "req-1", "inv-1")) {
            LogContext.put(LogField.CONNECTION_ID, "conn=1");
            LogContext.identity("alice", "acme");
            LogContext.put(LogField.ACTION, "room.join");
            log.atWarn().addKeyValue(LogField.OUTCOME, "refused").addKeyValue(LogField.REASON, "forbidden")
                    .addKeyValue("status", 403).log("frame refused: {}", "room \"x\"\nof another workspace");
            log.error("failed {}", "hard", new IllegalStateException("boom"));
            lines = out.lines();
        }
        lines.removeIf(line -> !line.contains("dev.pulse.test.Lines"));
        assertEquals(2, lines.size(), lines.toString());
        JsonNode refused = JSON.readTree(lines.getFirst());
        assertEquals(List.of("timestamp", "level", "logger", "message", "requestId", "invocationId", "connectionId",
                "workspaceId", "userId", "route", "action", "outcome", "reason", "status"), names(refused));
        assertEquals("WARN", refused.path("level").asText());
        assertEquals("frame refused: room \"x\"\nof another workspace", refused.path("message").asText());
        assertEquals(403, refused.path("status").asInt());
        assertTrue(refused.path("status").isInt());
        assertEquals("alice", refused.path("userId").asText());
        Instant.parse(refused.path("timestamp").asText());

        JsonNode failed = JSON.readTree(lines.get(1));
        assertEquals("ERROR", failed.path("level").asText());
        assertEquals("failed hard", failed.path("message").asText());
        assertEquals("java.lang.IllegalStateException: boom", failed.path("error").asText());
        assertTrue(failed.path("stackTrace").asText().contains("at dev.pulse.support.log.LineLoggerTest"));
    }

    @Test
    void closingTheContextLeavesNothingForTheNextInvocation() throws Exception {
        var log = LoggerFactory.getLogger("dev.pulse.test.Leak");
        List<String> lines;
        try (var out = StdoutLines.capture()) {
            try (var context = LogContext.open("$connect", "req-a", null)) {
                LogContext.identity("alice", "acme");
            }
            log.info("after");
            lines = out.lines();
        }
        lines.removeIf(line -> !line.contains("dev.pulse.test.Leak"));
        JsonNode after = JSON.readTree(lines.getFirst());
        assertEquals(List.of("timestamp", "level", "logger", "message"), names(after));
    }

    @Test
    void disabledLevelsWriteNothing() {
        var log = LoggerFactory.getLogger("dev.pulse.test.Quiet");
        assertFalse(log.isDebugEnabled());
        try (var out = StdoutLines.capture()) {
            log.debug("not written");
            log.atDebug().addKeyValue("k", "v").log("not written either");
            assertEquals(List.of(), out.lines().stream().filter(l -> l.contains("dev.pulse.test.Quiet")).toList());
        }
    }

    @Test
    void theTextFormatIsOneReadableLineWithoutTheIdsNobodyReadsInATerminal() {
        var fields = new LinkedHashMap<String, Object>(Map.of(LogField.REQUEST_ID, "req-1"));
        fields.put(LogField.USER_ID, "alice");
        fields.put(LogField.OUTCOME, "connected");
        String line = LineFormat.of(LogSettings.Format.TEXT).render(new LogLine(Instant.parse("2026-12-01T10:15:30.123Z"),
                Level.INFO, "dev.pulse.X", "connected", fields, null));
        assertEquals("10:15:30.123 INFO  connected userId=alice outcome=connected", line);
    }

    private static List<String> names(JsonNode node) {
        var names = new java.util.ArrayList<String>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
