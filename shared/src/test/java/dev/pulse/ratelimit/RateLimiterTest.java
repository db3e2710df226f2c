package dev.pulse.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.store.RateCounters;
import dev.pulse.testing.DynamoDbLocal;
import dev.pulse.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Rate limits on DynamoDB Local: exact boundaries, windows, buckets, and concurrency. */
class RateLimiterTest {
    private static DynamoDbClient dynamo;
    private static String table;
    // A window boundary well inside the test: a whole hour, exactly. In the future, so the counters' ttl is too:
    // were it in the past, a TTL sweep of the store could delete a counter mid-test and reopen its window.
    private final MutableClock clock = new MutableClock(
            Instant.now().truncatedTo(java.time.temporal.ChronoUnit.HOURS).plus(Duration.ofDays(1)));
    private final RateLimits limits = RateLimits.parse("room.join=5/60s,typing.start=5/5s,*=3/10s");
    private final RateLimiter limiter = new RateLimiter(new RateCounters(dynamo, table), clock, limits);

    @BeforeAll
    static void createTable() {
        dynamo = DynamoDbLocal.client();
        table = DynamoDbLocal.createConnectionsTable();
    }

    @AfterAll
    static void closeClient() {
        dynamo.close();
    }

    @Test
    void allowsExactlyTheLimitThenRefusesWithTheTimeToTheWindowEnd() {
        for (int i = 0; i < 5; i++) {
            assertTrue(limiter.tryAcquire("conn-a", "room.join").allowed(), "request " + (i + 1));
        }
        clock.advance(Duration.ofSeconds(20));
        var refused = limiter.tryAcquire("conn-a", "room.join");
        assertFalse(refused.allowed());
        assertEquals(Duration.ofSeconds(40), refused.retryAfter());
        assertEquals("5/60s", refused.limit().toString());
    }

    @Test
    void allowedAgainInTheNextWindow() {
        for (int i = 0; i < 5; i++) {
            limiter.tryAcquire("conn-b", "typing.start");
        }
        assertFalse(limiter.tryAcquire("conn-b", "typing.start").allowed());
        clock.advance(Duration.ofMillis(4_999));
        assertFalse(limiter.tryAcquire("conn-b", "typing.start").allowed(), "still the same window");
        clock.advance(Duration.ofMillis(1));
        assertTrue(limiter.tryAcquire("conn-b", "typing.start").allowed(), "a new window");
    }

    @Test
    void connectionsAndActionsHaveTheirOwnBuckets() {
        for (int i = 0; i < 5; i++) {
            limiter.tryAcquire("conn-c", "room.join");
        }
        assertFalse(limiter.tryAcquire("conn-c", "room.join").allowed());
        assertTrue(limiter.tryAcquire("conn-d", "room.join").allowed(), "another connection");
        assertTrue(limiter.tryAcquire("conn-c", "typing.start").allowed(), "another action");
    }

    @Test
    void actionsWithoutTheirOwnLimitShareTheFallback() {
        assertTrue(limiter.tryAcquire("conn-e", "ping").allowed());
        assertTrue(limiter.tryAcquire("conn-e", "connection.info").allowed());
        assertTrue(limiter.tryAcquire("conn-e", null).allowed()); // a malformed frame names no action
        var refused = limiter.tryAcquire("conn-e", "teleport");
        assertFalse(refused.allowed());
        assertEquals("3/10s", refused.limit().toString());
    }

    @Test
    void exactUnderConcurrentInvocations() throws Exception {
        // Twelve "Lambda invocations" with their own clients race for five slots.
        var tasks = new ArrayList<Callable<Boolean>>();
        var clients = new ArrayList<DynamoDbClient>();
        for (int i = 0; i < 12; i++) {
            var client = DynamoDbLocal.client();
            clients.add(client);
            var own = new RateLimiter(new RateCounters(client, table), clock, limits);
            tasks.add(() -> own.tryAcquire("conn-f", "room.join").allowed());
        }
        try (var pool = Executors.newFixedThreadPool(12)) {
            long allowed = 0;
            for (var result : pool.invokeAll(tasks)) {
                allowed += result.get() ? 1 : 0;
            }
            assertEquals(5, allowed);
        } finally {
            clients.forEach(DynamoDbClient::close);
        }
    }

    @Test
    void counterItemsExpireAfterTheirWindow() {
        limiter.tryAcquire("conn-g", "room.join");
        var items = dynamo.query(q -> q.tableName(table).keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk",
                        software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("l#conn-g#room.join"))))
                .items();
        assertEquals(1, items.size());
        long ttl = Long.parseLong(items.get(0).get("ttl").n());
        long windowEnd = clock.instant().plusSeconds(60).getEpochSecond();
        assertTrue(ttl > windowEnd && ttl <= windowEnd + 61, "ttl " + ttl);
    }
}
