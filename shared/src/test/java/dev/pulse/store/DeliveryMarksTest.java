package dev.pulse.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.testing.DynamoDbLocal;
import dev.pulse.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Delivery marks against DynamoDB Local: concurrent marks share BatchWriteItem calls and every one lands. */
class DeliveryMarksTest {
    private final MutableClock clock = MutableClock.startingNow();

    @Test
    void concurrentMarksAllLandIncludingTwoOfOneEvent() throws Exception {
        var dynamo = DynamoDbLocal.client();
        var table = EventLogTest.createTable(dynamo);
        var marks = new DeliveryMarks(dynamo, table, Duration.ofHours(1), clock);
        int events = 60;
        var start = new CountDownLatch(1);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var futures = new ArrayList<Future<?>>();
            for (int i = 0; i < events; i++) {
                var id = "e" + i;
                futures.add(pool.submit(() -> {
                    start.await();
                    marks.markDelivered("w1", id);
                    return null;
                }));
            }
            // a second delivery of one event marking at the same time: one key twice in a gathering
            futures.add(pool.submit(() -> {
                start.await();
                marks.markDelivered("w1", "e7");
                return null;
            }));
            start.countDown();
            for (var f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
        for (int i = 0; i < events; i++) {
            assertTrue(marks.delivered("w1", "e" + i), "e" + i);
        }
        assertFalse(marks.delivered("w2", "e1"), "marks are per workspace");
        clock.advance(Duration.ofHours(2));
        assertFalse(marks.delivered("w1", "e1"), "and expire with the log");
    }
}
