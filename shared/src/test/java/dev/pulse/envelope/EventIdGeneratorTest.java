package dev.pulse.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventIdGeneratorTest {

    @Test
    void idsAreUuidV7AndCarryTheirMillisecond() {
        Instant now = Instant.parse("2026-05-06T07:08:09.123Z");
        EventIdGenerator ids = new EventIdGenerator(Clock.fixed(now, ZoneOffset.UTC));

        String id = ids.next();
        UUID uuid = UUID.fromString(id);

        assertEquals(7, uuid.version());
        assertEquals(2, uuid.variant());
        assertEquals(now.toEpochMilli(), EventIdGenerator.millisOf(id));
    }

    @Test
    void idsSortByCreationEvenWithinOneMillisecond() {
        // A frozen clock forces every id into the same millisecond; 10,000 > the 4,096 counter values.
        EventIdGenerator ids = new EventIdGenerator(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            made.add(ids.next());
        }

        List<String> sorted = new ArrayList<>(made);
        sorted.sort(null);
        assertEquals(made, sorted);
        assertEquals(made.size(), new HashSet<>(made).size());
    }

    @Test
    void laterClockGivesLargerIds() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        EventIdGenerator ids = new EventIdGenerator(clock);
        String first = ids.next();
        clock.now = clock.now.plusMillis(1);
        String second = ids.next();

        assertTrue(first.compareTo(second) < 0);
        assertEquals(clock.now.toEpochMilli(), EventIdGenerator.millisOf(second));
    }

    private static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
