package dev.pulse.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.model.Connection;
import dev.pulse.protocol.ErrorCode;
import dev.pulse.protocol.Json;
import dev.pulse.store.ConnectionStore;
import dev.pulse.store.ConnectionTable;
import dev.pulse.testing.DynamoDbLocal;
import dev.pulse.testing.MutableClock;
import dev.pulse.testing.RecordingSender;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The sweep of idle connections whose token lapsed: the expiry index on DynamoDB Local, the closing frame and the
 * close recorded in memory ({@link RecordingSender}: the point is which connections the sweep closes).
 */
class TokenExpirySweeperTest {
    private static DynamoDbClient dynamo;

    private final MutableClock clock = MutableClock.startingNow();
    private final RecordingSender sender = new RecordingSender();
    private ConnectionStore connections;
    private TokenExpirySweeper sweeper;

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
        connections = new ConnectionStore(dynamo, DynamoDbLocal.createConnectionsTable(), clock);
        sweeper = new TokenExpirySweeper(connections, sender, sender, clock, Duration.ofMinutes(5));
    }

    private void open(String id, Duration tokenLifetime) {
        connections.open(Connection.builder().connectionId(id).userId("u").workspaceId("w1").connectedAt(clock.instant())
                .expiresAt(clock.instant().plus(Duration.ofHours(2))).tokenExpiresAt(clock.instant().plus(tokenLifetime))
                .build(), List.of());
    }

    @Test
    void closesOnlyTheConnectionsWhoseTokenLapsedAndSaysWhy() throws Exception {
        open("lapsing", Duration.ofMinutes(2));
        open("fresh", Duration.ofMinutes(30));
        assertEquals(0, sweeper.sweep(), "nothing has lapsed yet");
        clock.advance(Duration.ofMinutes(3));
        assertEquals(1, sweeper.sweep());
        assertEquals(List.of("lapsing"), sender.closed());
        var frame = Json.MAPPER.readTree(sender.framesTo("lapsing").get(0));
        assertEquals(ErrorCode.TOKEN_EXPIRED.wire(), frame.path("error").path("code").asText());
        assertEquals(0, sweeper.sweep(), "a second run closes nothing again");
        assertEquals(List.of("lapsing"), sender.closed());
    }

    @Test
    void aRefreshedTokenKeepsItsConnectionOpen() {
        open("c1", Duration.ofMinutes(2));
        assertTrue(connections.refreshToken("c1", clock.instant().plus(Duration.ofMinutes(60))));
        clock.advance(Duration.ofMinutes(3));
        assertEquals(0, sweeper.sweep());
        assertEquals(List.of(), sender.closed());
        assertEquals(List.of(), connections.tokenExpiringIn(ConnectionTable.expiryMinute(clock.instant().minus(Duration.ofMinutes(1)))),
                "the stale index entry is forgotten");
    }

    @Test
    void aMissedRunIsCaughtUpByTheNext() {
        open("c1", Duration.ofMinutes(1));
        clock.advance(Duration.ofMinutes(4)); // the runs of the last three minutes never happened
        assertEquals(1, sweeper.sweep());
        assertEquals(List.of("c1"), sender.closed());
    }
}
