package dev.pulse.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.envelope.FanOutRule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventPatternsTest {

    @Test
    void theFanOutPatternBecomesADetailFilter() {
        var pattern = EventPatterns.fromJson(FanOutRule.PATTERN);
        assertEquals(Map.of("envelope", List.of(FanOutRule.ENVELOPE_VERSION)), pattern.getDetail());
        assertNull(pattern.getSource());
    }

    @Test
    void envelopeFieldsMapToTheirCdkProperties() {
        var pattern = EventPatterns.fromJson("""
                {"source":["orders"],"detail-type":["OrderPlaced"],"account":["1"],"region":["eu-west-1"],
                 "resources":["r"],"id":["i"],"time":["t"],"version":["0"],
                 "detail":{"amount":[{"numeric":[">",10]}]}}""");
        assertEquals(List.of("orders"), pattern.getSource());
        assertEquals(List.of("OrderPlaced"), pattern.getDetailType());
        assertEquals(List.of("1"), pattern.getAccount());
        assertEquals(List.of("eu-west-1"), pattern.getRegion());
        assertEquals(List.of("r"), pattern.getResources());
        assertEquals(List.of("i"), pattern.getId());
        assertEquals(List.of("t"), pattern.getTime());
        assertEquals(List.of("0"), pattern.getVersion());
        assertEquals(Map.of("amount", List.of(Map.of("numeric", List.of(">", 10)))), pattern.getDetail());
    }

    @Test
    void rejectsWhatItCannotRepresent() {
        assertRejected("not a JSON object", "[1]");
        assertRejected("empty", "{}");
        assertRejected("Unsupported event pattern field 'replay-name'", "{\"replay-name\":[\"x\"]}");
        assertRejected("must be a non-empty array", "{\"source\":\"orders\"}");
        assertRejected("supports only strings", "{\"source\":[{\"prefix\":\"ord\"}]}");
        assertRejected("must be a non-empty object", "{\"detail\":[\"x\"]}");
    }

    private static void assertRejected(String reason, String json) {
        var error = assertThrows(IllegalArgumentException.class, () -> EventPatterns.fromJson(json));
        assertTrue(error.getMessage().contains(reason), error.getMessage());
    }
}
