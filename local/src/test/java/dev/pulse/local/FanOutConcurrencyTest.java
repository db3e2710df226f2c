package dev.pulse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.delivery.ConnectionSender;
import dev.pulse.delivery.Delivery;
import dev.pulse.delivery.FanOut;
import dev.pulse.delivery.ManagementApiSender;
import dev.pulse.model.EventEnvelope;
import dev.pulse.model.Targets;
import dev.pulse.protocol.Json;
import dev.pulse.store.MembershipStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;

/**
 * The fan-out's concurrency bound, observed on real posts: the real {@link ManagementApiSender} against the
 * emulated {@code @connections} API, wrapped only to count how many posts are in flight at once.
 */
class FanOutConcurrencyTest {
    private static LocalSystem system;
    private static final List<TestClient> clients = new ArrayList<>();
    private static ApiGatewayManagementApiClient management;

    @BeforeAll
    static void start() {
        system = LocalSystem.start(LocalSettings.ephemeral());
        for (int i = 0; i < 40; i++) {
            clients.add(TestClient.connect(system, system.tokens().issue("c" + i, "ws-conc", Duration.ofMinutes(5))));
        }
        management = ApiGatewayManagementApiClient.builder()
                .endpointOverride(system.managementEndpoint()).region(Region.US_EAST_1)
                .credentialsProvider(LocalSystem.LOCAL_CREDENTIALS)
                .httpClient(ApacheHttpClient.builder().maxConnections(64).build())
                .build();
    }

    @AfterAll
    static void stop() {
        clients.forEach(TestClient::close);
        management.close();
        system.close();
    }

    private static int maxInFlightWith(int concurrency, String eventName) throws Exception {
        var real = new ManagementApiSender(management);
        var inFlight = new AtomicInteger();
        var max = new AtomicInteger();
        ConnectionSender counting = (id, frame) -> {
            max.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(2); // widen the window so overlapping posts really overlap
                return real.send(id, frame);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                inFlight.decrementAndGet();
            }
        };
        var dynamo = system.services().dynamo();
        var fanOut = new FanOut(new MembershipStore(dynamo, LocalSystem.CONNECTIONS_TABLE, Clock.systemUTC()), counting,
                concurrency);
        var event = new EventEnvelope("evt-" + eventName, eventName, "ws-conc", new Targets(true, null, null), null,
                "corr", Instant.now(), Json.object().put("x", 1));

        var report = fanOut.deliver(new Delivery(event.rooms(), List.of(), event.content(), null));

        assertEquals(40, report.recipients());
        assertEquals(40, report.delivered());
        assertEquals(1, report.pages(), "40 small memberships fit one Query page");
        for (var client : clients) {
            assertEquals(eventName, client.awaitEvent(eventName).path("event").asText());
        }
        return max.get();
    }

    @Test
    void neverMoreThanTheConfiguredPostsInFlight() throws Exception {
        int max = maxInFlightWith(4, "bounded.four");
        assertTrue(max <= 4, "max in flight was " + max);
    }

    @Test
    void concurrencyOneIsSequential() throws Exception {
        assertEquals(1, maxInFlightWith(1, "bounded.one"));
    }
}
