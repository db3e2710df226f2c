package dev.pulse.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.auth.JwtSettings;
import dev.pulse.auth.TokenIssuer;
import dev.pulse.auth.TokenVerifier;
import dev.pulse.model.Connection;
import dev.pulse.model.Room;
import dev.pulse.room.MembershipListener;
import dev.pulse.store.ConnectionStore;
import dev.pulse.store.MembershipStore;
import dev.pulse.testing.DynamoDbLocal;
import dev.pulse.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** {@code $connect} and {@code $disconnect} on their own, with real tokens and DynamoDB Local. */
class ConnectionLifecycleTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef-lifecycle";
    private static DynamoDbClient dynamo;

    private final MutableClock clock = MutableClock.startingNow();
    private final TokenIssuer tokens = new TokenIssuer(SECRET, "pulse-test", "pulse");
    private final List<String> events = new ArrayList<>();
    private ConnectionStore connections;
    private MembershipStore memberships;
    private ConnectionLifecycle lifecycle;

    @BeforeAll
    static void client() {
        dynamo = DynamoDbLocal.client();
    }

    @AfterAll
    static void close() {
        dynamo.close();
    }

    @BeforeEach
    void wire() {
        String table = DynamoDbLocal.createConnectionsTable();
        connections = new ConnectionStore(dynamo, table, clock);
        memberships = new MembershipStore(dynamo, table, clock);
        var listener = new MembershipListener() {
            @Override
            public void joined(Connection connection, Room room) {
                events.add("joined " + connection.connectionId() + " " + room.name());
            }

            @Override
            public void left(Connection connection, Room room) {
                events.add("left " + connection.connectionId() + " " + room.name());
            }
        };
        lifecycle = new ConnectionLifecycle(new TokenVerifier(JwtSettings.hmac(SECRET, "pulse-test", "pulse")), connections,
                clock, Duration.ofMinutes(130), List.of("https://app.example.com"), listener);
    }

    private String token(String user, String workspace) {
        return tokens.issue(user, workspace, Duration.ofMinutes(10));
    }

    @Test
    void anAcceptedConnectionIsRecordedInItsOwnRoomsAndTheListenerHearsOfThem() {
        var outcome = lifecycle.connect("c1", Map.of("token", token("ann", "acme")), Map.of());
        assertTrue(outcome.isAccepted());
        assertEquals("ann", outcome.identity().userId());
        var recorded = connections.find("c1").orElseThrow();
        assertEquals("acme", recorded.workspaceId());
        assertEquals(clock.instant().plus(Duration.ofMinutes(130)), recorded.expiresAt());
        assertEquals(List.of("user:ann", "workspace:acme"), memberships.rooms("c1").stream().map(Room::name).sorted().toList());
        assertEquals(List.of("joined c1 user:ann", "joined c1 workspace:acme"), events);
    }

    @Test
    void refusalsNameTheirReasonAndRecordNothing() {
        assertEquals(401, lifecycle.connect("c1", Map.of(), Map.of()).status());
        assertEquals("token_missing", lifecycle.connect("c1", Map.of(), Map.of()).reason());
        assertEquals(401, lifecycle.connect("c2", Map.of("token", "not-a-jwt"), Map.of()).status());
        var foreign = lifecycle.connect("c3", Map.of("token", token("ann", "acme")), Map.of("origin", "https://evil.example"));
        assertEquals(403, foreign.status());
        assertEquals("origin_not_allowed", foreign.reason());
        var badClaims = lifecycle.connect("c4", Map.of("token", token("ann", "ac#me")), Map.of());
        assertEquals(403, badClaims.status());
        for (String id : List.of("c1", "c2", "c3", "c4")) {
            assertTrue(connections.find(id).isEmpty(), id);
        }
        assertEquals(List.of(), events);
    }

    @Test
    void theTokensRoomGrantsTravelWithTheConnection() {
        var granted = tokens.issueWithGrants("ann", "acme", Duration.ofMinutes(10), List.of("project:p-9", "channel:*"));
        assertTrue(lifecycle.connect("c1", Map.of("token", granted), Map.of()).isAccepted());
        assertEquals(List.of("project:p-9", "channel:*"),
                connections.find("c1").orElseThrow().grants().stream().map(Object::toString).toList());
        var badGrants = tokens.issueWithGrants("bob", "acme", Duration.ofMinutes(10), List.of("user:ann"));
        assertEquals(403, lifecycle.connect("c2", Map.of("token", badGrants), Map.of()).status());
    }

    @Test
    void anAllowedOriginAndNoOriginBothConnect() {
        assertTrue(lifecycle.connect("c1", Map.of("token", token("ann", "acme")), Map.of("Origin", "https://app.example.com")).isAccepted());
        assertTrue(lifecycle.connect("c2", Map.of("token", token("bob", "acme")), Map.of()).isAccepted());
    }

    @Test
    void disconnectRemovesEverythingAndTellsTheListenerOnce() {
        lifecycle.connect("c1", Map.of("token", token("ann", "acme")), Map.of());
        events.clear();
        var rooms = lifecycle.disconnect("c1");
        assertEquals(2, rooms.size());
        assertTrue(connections.find("c1").isEmpty());
        assertEquals(0, memberships.count(Room.workspace("acme")));
        assertEquals(2, events.size());
        assertTrue(events.stream().allMatch(e -> e.startsWith("left c1 ")));
        events.clear();
        assertEquals(List.of(), lifecycle.disconnect("c1"), "a repeated $disconnect finds nothing");
        assertFalse(events.iterator().hasNext());
    }
}
