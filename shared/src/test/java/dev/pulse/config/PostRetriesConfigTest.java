package dev.pulse.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The post retries' settings: defaults, values, and a clear error for values outside the bounds. */
class PostRetriesConfigTest {
    @Test
    void defaultsAndValues() {
        var defaults = PulseConfig.fromEnvironment(Map.of()).delivery();
        assertEquals(4, defaults.postAttempts());
        assertEquals(Duration.ofMillis(100), defaults.firstRetryPause());
        var set = PulseConfig.fromEnvironment(Map.of(Env.POST_ATTEMPTS, "1", Env.POST_RETRY_MS, "0")).delivery();
        assertEquals(1, set.postAttempts(), "1: no retries");
        assertEquals(Duration.ZERO, set.firstRetryPause());
    }

    @Test
    void valuesOutsideTheBoundsAreRefusedByName() {
        for (var env : new Map[] {Map.of(Env.POST_ATTEMPTS, "0"), Map.of(Env.POST_ATTEMPTS, "11"),
                Map.of(Env.POST_RETRY_MS, "-1"), Map.of(Env.POST_RETRY_MS, "2001"), Map.of(Env.POST_ATTEMPTS, "many")}) {
            @SuppressWarnings("unchecked")
            Map<String, String> values = env;
            var e = assertThrows(ConfigException.class, () -> PulseConfig.fromEnvironment(values));
            assertTrue(e.getMessage().contains(values.keySet().iterator().next()), e.getMessage());
        }
    }
}
