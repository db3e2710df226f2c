package dev.pulse.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pulse.model.Connection;
import dev.pulse.model.Member;
import dev.pulse.model.Room;
import dev.pulse.testing.DynamoDbLocal;
import dev.pulse.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * The fan-out's membership pages reused for a TTL, against DynamoDB Local: a Query per TTL instead of per event, every
 * membership change made through the process's stores seen at once, changes made by another process seen once the TTL
 * has passed. The cache's clock is a counter the test moves, so nothing here waits.
 */
class MembersCacheTest {
    private static final AtomicInteger QUERIES = new AtomicInteger();
    private static DynamoDbClient dynamo;

    private final MutableClock clock = MutableClock.startingNow();
    private final AtomicLong nanos = new AtomicLong();
    private final Room chat = new Room("w1", "chat:42");
    private String table;
    private ConnectionStore connections;
    private MembershipStore memberships;

    @BeforeAll
    static void client() {
        dynamo = DynamoDbLocal.clientBuilder()
                .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
                        if (context.request() instanceof QueryRequest) {
                            QUERIES.incrementAndGet();
                        }
                    }
                }))
                .build();
    }

    @AfterAll
    static void closeClient() {
        dynamo.close();
    }

    @BeforeEach
    void freshTable() {
        table = DynamoDbLocal.createConnectionsTable();
        var cache = new MembersCache(Duration.ofSeconds(1), nanos::get);
        connections = new ConnectionStore(dynamo, table, clock, cache);
        memberships = new MembershipStore(dynamo, table, clock, cache);
    }

    private Connection connection(String id, String user) {
        return Connection.builder().connectionId(id).userId(user).workspaceId("w1").connectedAt(clock.instant())
                .expiresAt(clock.instant().plus(Duration.ofMinutes(130))).build();
    }

    private Connection open(String id, String user, List<Room> autoJoin) {
        var c = connection(id, user);
        connections.open(c, autoJoin);
        return c;
    }

    @Test
    void aRoomIsReadOncePerTtlNotOncePerEvent() {
        memberships.join(open("c1", "u1", List.of()), chat);
        QUERIES.set(0);
        for (int event = 0; event < 5; event++) {
            assertEquals(List.of(new Member("c1", "u1")), members());
        }
        assertEquals(1, QUERIES.get());
        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        assertEquals(List.of(new Member("c1", "u1")), members());
        assertEquals(2, QUERIES.get(), "read again once the TTL has passed");
    }

    @Test
    void joinsAndLeavesThroughThisProcessAreSeenAtOnce() {
        var c1 = open("c1", "u1", List.of());
        memberships.join(c1, chat);
        assertEquals(List.of(new Member("c1", "u1")), members());
        var c2 = open("c2", "u2", List.of());
        memberships.join(c2, chat);
        assertEquals(List.of(new Member("c1", "u1"), new Member("c2", "u2")), members());
        memberships.leave("c1", chat);
        assertEquals(List.of(new Member("c2", "u2")), members());
        open("c3", "u3", List.of(chat)); // joined on connect, by the connection store
        assertEquals(List.of(new Member("c2", "u2"), new Member("c3", "u3")), members());
        connections.close("c2");
        assertEquals(List.of(new Member("c3", "u3")), members());
    }

    @Test
    void aJoinByAnotherProcessIsSeenWithinTheTtl() {
        memberships.join(open("c1", "u1", List.of()), chat);
        assertEquals(List.of(new Member("c1", "u1")), members());
        // another Lambda environment: its own stores and cache
        var elsewhere = new MembershipStore(dynamo, table, clock, MembersCache.off());
        elsewhere.join(open("c2", "u2", List.of()), chat);
        nanos.addAndGet(Duration.ofMillis(999).toNanos());
        // c2's connection record was written through this process's connection store (no rooms): the page stands
        assertEquals(List.of(new Member("c1", "u1")), members(), "within the TTL the kept page is used");
        nanos.addAndGet(Duration.ofMillis(1).toNanos());
        assertEquals(List.of(new Member("c1", "u1"), new Member("c2", "u2")), members());
    }

    @Test
    void aReadOverlappingAChangeIsNotKept() {
        var c1 = open("c1", "u1", List.of());
        memberships.join(c1, chat);
        // iteration starts (the read is under way), then a member joins here before it ends
        var pages = memberships.members(chat).iterator();
        memberships.join(open("c2", "u2", List.of()), chat);
        while (pages.hasNext()) {
            pages.next();
        }
        QUERIES.set(0);
        assertEquals(List.of(new Member("c1", "u1"), new Member("c2", "u2")), members());
        assertEquals(1, QUERIES.get(), "the overlapping read was not kept, so this one read again");
    }

    @Test
    void withoutACacheEveryEventReads() {
        var plain = new MembershipStore(dynamo, table, clock);
        plain.join(open("c1", "u1", List.of()), chat);
        QUERIES.set(0);
        for (int event = 0; event < 3; event++) {
            flatten(plain.members(chat));
        }
        assertEquals(3, QUERIES.get());
    }

    private List<Member> members() {
        return flatten(memberships.members(chat));
    }

    private static List<Member> flatten(Iterable<List<Member>> pages) {
        var all = new ArrayList<Member>();
        pages.forEach(all::addAll);
        return all;
    }
}
