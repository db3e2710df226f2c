package dev.pulse.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.testing.DynamoDbLocal;
import dev.pulse.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Delivery marks against DynamoDB Local: concurrent marks share BatchWriteItem calls and every one lands; a fan-out
 * batch's marks are one item per workspace, written when it closes.
 */
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

    @Test
    void aBatchWritesOneItemPerWorkspaceWhenItClosesAndOnlyForItsOwnMark() throws Exception {
        var dynamo = DynamoDbLocal.client();
        var table = EventLogTest.createTable(dynamo);
        var marks = new DeliveryMarks(dynamo, table, Duration.ofHours(1), clock);
        var batch = marks.batch();
        var named = new ArrayList<String>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var futures = new ArrayList<Future<String>>();
            for (int i = 0; i < 10; i++) {
                var id = "e" + i;
                var workspace = i < 7 ? "w1" : "w2";
                futures.add(pool.submit(() -> batch.enter(() -> {
                    String mark = marks.currentMark();
                    marks.markDelivered(workspace, id, mark);
                    return mark;
                })));
            }
            for (var f : futures) {
                named.add(f.get(30, TimeUnit.SECONDS));
            }
        }
        String mark = named.getFirst();
        assertTrue(named.stream().allMatch(mark::equals), "ten records share one mark: " + named);
        assertEquals(10, batch.noted());
        assertEquals(0, items(dynamo, table), "nothing is written before the batch closes");
        assertFalse(marks.delivered("w1", "e1", List.of(mark)));
        batch.close();
        assertEquals(2, items(dynamo, table), "one item per workspace");
        assertTrue(marks.delivered("w1", "e1", List.of(mark)));
        assertTrue(marks.delivered("w2", "e8", List.of(mark)));
        assertFalse(marks.delivered("w2", "e1", List.of(mark)), "marks are per workspace");
        assertFalse(marks.delivered("w1", "e1"), "the per-event mark alone does not know the batch");
        assertFalse(marks.delivered("w1", "e1", List.of("another")), "nor does another batch's");

        // Outside a batch, or naming a mark that is not this thread's batch's: marked per event, at once.
        assertNull(marks.currentMark());
        marks.markDelivered("w1", "x1", mark);
        assertTrue(marks.delivered("w1", "x1"));
        marks.batch().enter(() -> {
            marks.markDelivered("w1", "x2", "not-this-batch");
            return null;
        });
        assertTrue(marks.delivered("w1", "x2"));
        assertEquals(4, items(dynamo, table));

        clock.advance(Duration.ofHours(2));
        assertFalse(marks.delivered("w1", "e1", List.of(mark)), "batch marks expire with the log");
    }

    @Test
    void aBigBatchSpreadsItsRecordsOverMarksOfBoundedSize() throws Exception {
        var dynamo = DynamoDbLocal.client();
        var table = EventLogTest.createTable(dynamo);
        var marks = new DeliveryMarks(dynamo, table, Duration.ofHours(1), clock);
        var batch = marks.batch();
        var named = new java.util.LinkedHashSet<String>();
        for (int i = 0; i < DeliveryMarks.EVENTS_PER_MARK + 1; i++) {
            var id = "e" + i;
            named.add(batch.enter(() -> {
                marks.markDelivered("w1", id, marks.currentMark());
                return marks.currentMark();
            }));
        }
        assertEquals(2, named.size(), "a new mark after " + DeliveryMarks.EVENTS_PER_MARK + " records");
        batch.close();
        batch.close(); // a second close writes nothing more
        assertEquals(2, items(dynamo, table));
        var last = List.copyOf(named).getLast();
        assertTrue(marks.delivered("w1", "e" + DeliveryMarks.EVENTS_PER_MARK, List.of(last)));
        assertTrue(marks.delivered("w1", "e0", List.copyOf(named)));
        // A record still running after its batch closed is marked on its own.
        batch.enter(() -> {
            marks.markDelivered("w1", "late", marks.currentMark());
            return null;
        });
        assertTrue(marks.delivered("w1", "late"));
    }

    private static int items(software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamo, String table) {
        return dynamo.scan(b -> b.tableName(table)).count();
    }
}
