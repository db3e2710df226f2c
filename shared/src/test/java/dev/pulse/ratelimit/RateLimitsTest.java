package dev.pulse.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimitsTest {
    @Test
    void defaultsAreTheSeedLimits() {
        var limits = RateLimits.defaults();
        assertEquals("3/10s", limits.limitOf("presence.update").toString());
        assertEquals("5/5s", limits.limitOf("typing.start").toString());
        assertEquals("5/5s", limits.limitOf("typing.stop").toString());
        assertEquals("5/60s", limits.limitOf("room.join").toString());
        assertEquals("5/60s", limits.limitOf("room.leave").toString());
        assertEquals("3/30s", limits.limitOf("sync.request").toString());
        assertEquals("*", limits.bucketOf("ping"));
        assertEquals("30/10s", limits.limitOf("*").toString());
    }

    @Test
    void specOverridesDefaultsAndFallback() {
        var limits = RateLimits.parse("room.join=10/1m, *=100/10s, chat.send=2/1s");
        assertEquals(new RateLimit(10, Duration.ofMinutes(1)), limits.limitOf("room.join"));
        assertEquals(new RateLimit(100, Duration.ofSeconds(10)), limits.limitOf("*"));
        assertEquals("chat.send", limits.bucketOf("chat.send"));
        assertEquals("5/5s", limits.limitOf("typing.start").toString(), "untouched defaults stay");
    }

    @Test
    void badSpecsAreRefusedClearly() {
        assertThrows(IllegalArgumentException.class, () -> RateLimits.parse("room.join"));
        assertThrows(IllegalArgumentException.class, () -> RateLimits.parse("room.join=five/10s"));
        assertThrows(IllegalArgumentException.class, () -> RateLimits.parse("room.join=0/10s"));
        assertThrows(IllegalArgumentException.class, () -> RateLimits.parse("room.join=5/0s"));
        assertThrows(IllegalArgumentException.class, () -> RateLimits.parse("room.join=5/10ms"));
    }
}
