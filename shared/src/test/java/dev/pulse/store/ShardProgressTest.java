package dev.pulse.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.testing.DynamoDbLocal;
import dev.pulse.testing.MutableClock;
import java.time.Duration;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Shard claims and progress against DynamoDB Local: one holder at a time, resumable, released at the end. */
class ShardProgressTest {
    private static final Duration LEASE = Duration.ofSeconds(20);
    private final MutableClock clock = MutableClock.startingNow();
    private final ShardProgress progress = new ShardProgress(DynamoDbLocal.client(),
            EventLogTest.createTable(DynamoDbLocal.client()), Duration.ofHours(1), clock);

    @Test
    void aNewShardIsClaimedAtZeroAndASecondAttemptIsRefusedWhileTheFirstHoldsIt() {
        assertEquals(OptionalInt.of(0), progress.claim("w1", "e1#0#0#ab", "first", LEASE));
        assertEquals(OptionalInt.empty(), progress.claim("w1", "e1#0#0#ab", "second", LEASE));
        assertEquals(OptionalInt.of(0), progress.claim("w1", "e1#0#0#ab", "first", LEASE), "the holder may claim again");
        assertEquals(OptionalInt.of(0), progress.claim("w2", "e1#0#0#ab", "other", LEASE), "shards are per workspace");
    }

    @Test
    void progressRenewsTheClaimAndADeadHoldersShardIsTakenOverWithItsProgressAfterTheLease() {
        progress.claim("w1", "s", "dead", LEASE);
        assertTrue(progress.record("w1", "s", "dead", 250, false));
        clock.advance(LEASE.minusSeconds(1));
        assertEquals(OptionalInt.empty(), progress.claim("w1", "s", "retry", LEASE), "renewed by the record");
        clock.advance(Duration.ofSeconds(2));
        assertEquals(OptionalInt.of(250), progress.claim("w1", "s", "retry", LEASE), "resumes where the dead one recorded");
        assertFalse(progress.record("w1", "s", "dead", 500, false), "the old holder lost it and must stop");
        assertTrue(progress.record("w1", "s", "retry", 1000, true));
        assertEquals(OptionalInt.of(1000), progress.claim("w1", "s", "copy", LEASE),
                "released at the end: a later copy finds it finished at once");
    }
}
