package dev.pulse.functions;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.protocol.Json;
import org.crac.Core;
import org.junit.jupiter.api.Test;

class PrimingTest {

    @Test
    void primingRoundTripsAnEnvelopeIntoAnEventFrameWithoutAnyNetwork() throws Exception {
        var frame = Json.MAPPER.readTree(Priming.prime());
        assertEquals("event", frame.path("type").asText(), frame.toString());
        assertEquals("pulse.prime", frame.path("event").asText());
        assertEquals("prime-1", frame.path("eventId").asText());
        assertEquals("prime:warm", frame.path("room").asText());
        assertEquals("prime-1", frame.path("correlationId").asText());
        assertTrue(frame.at("/data/primed").asBoolean(), frame.toString());
    }

    @Test
    void registeringWithoutCracIsHarmlessAndTheHookPrimes() {
        var priming = new Priming();
        // This JVM has no CRaC: org.crac falls back to a context that never calls the hooks.
        assertDoesNotThrow(() -> Core.getGlobalContext().register(priming));
        assertDoesNotThrow(() -> priming.beforeCheckpoint(null));
        assertDoesNotThrow(() -> priming.afterRestore(null));
    }
}
