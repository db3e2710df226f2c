package dev.pulse.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.model.Connection;
import dev.pulse.model.Room;
import dev.pulse.testing.DynamoDbLocal;
import dev.pulse.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The token expiry recorded on a connection, and its refresh, on DynamoDB Local. */
class TokenExpiryStoreTest {
    private static DynamoDbClient dynamo;
    private static String table;
    // Now, not a fixed date: items carry a ttl from this clock, and DynamoDB Local deletes items whose ttl is in the
    // (real) past, which would pull records from under a test dated earlier.
    private final MutableClock clock = MutableClock.startingNow();
    private final ConnectionStore store = new ConnectionStore(dynamo, table, clock);

    @BeforeAll
    static void createTable() {
        dynamo = DynamoDbLocal.client();
        table = DynamoDbLocal.createConnectionsTable();
    }

    @AfterAll
    static void closeClient() {
        dynamo.close();
    }

    private Connection open(String id, Instant tokenExpiresAt) {
        var now = clock.instant();
        var connection = Connection.builder().connectionId(id).userId("u1").workspaceId("w1").connectedAt(now).expiresAt(now.plus(Duration.ofMinutes(130))).tokenExpiresAt(tokenExpiresAt).build();
        store.open(connection, List.of(Room.user("w1", "u1")));
        return connection;
    }

    @Test
    void tokenExpiryRoundTripsAndDecidesExpiry() {
        var opened = open("tok-a", clock.instant().plusSeconds(300));
        var found = store.find("tok-a").orElseThrow();
        assertEquals(opened, found);
        assertFalse(found.tokenExpired(clock.instant()));
        assertTrue(found.tokenExpired(clock.instant().plusSeconds(300)));
    }

    @Test
    void refreshMovesTheExpiry() {
        open("tok-b", clock.instant().plusSeconds(60));
        var later = clock.instant().plusSeconds(7200);
        assertTrue(store.refreshToken("tok-b", later));
        assertEquals(later, store.find("tok-b").orElseThrow().tokenExpiresAt());
    }

    @Test
    void aRefreshReplacesTheGrantsAndMayCarryNoExpiry() {
        open("tok-g", clock.instant().plusSeconds(60));
        var grants = java.util.List.of(dev.pulse.model.RoomGrant.parse("project:p-1"));
        assertTrue(store.refreshToken("tok-g", clock.instant().plusSeconds(600), grants));
        assertEquals(grants, store.find("tok-g").orElseThrow().grants());
        assertTrue(store.refreshToken("tok-g", null, java.util.List.of()));
        var refreshed = store.find("tok-g").orElseThrow();
        assertEquals(java.util.List.of(), refreshed.grants(), "the new token's grants replace the old ones");
        assertEquals(null, refreshed.tokenExpiresAt(), "an opaque token without exp does not lapse");
    }

    @Test
    void refreshOfAGoneOrExpiredConnectionIsRefusedAndWritesNothing() {
        assertFalse(store.refreshToken("never-opened", clock.instant().plusSeconds(60)));
        assertTrue(store.find("never-opened").isEmpty(), "no item may be created by a refresh");

        open("tok-c", clock.instant().plusSeconds(60));
        clock.advance(Duration.ofMinutes(131)); // past the connection record's TTL
        assertFalse(store.refreshToken("tok-c", clock.instant().plusSeconds(60)));
    }

    @Test
    void connectionsWithoutAKnownExpiryNeverExpireByToken() {
        var connection = Connection.builder().connectionId("x").userId("u").workspaceId("w").connectedAt(clock.instant()).expiresAt(clock.instant().plusSeconds(60)).build();
        assertFalse(connection.tokenExpired(clock.instant().plusSeconds(1_000_000)));
    }
}
