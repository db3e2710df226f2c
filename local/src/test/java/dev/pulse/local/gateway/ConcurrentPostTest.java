package dev.pulse.local.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;

/** Many concurrent @connections posts, to many sockets and to the same socket: every message arrives, intact. */
class ConcurrentPostTest {
    private final GatewayFixture fixture = new GatewayFixture();

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    @Test
    void concurrentPostsToManyConnectionsAllArrive() throws Exception {
        int clients = 200;
        int postsEach = 5;
        Map<String, String> idByClient = new ConcurrentHashMap<>();
        var gateway = fixture.start(WebSocketGateway.builder().route("$connect", event -> {
            idByClient.put(event.getQueryStringParameters().get("n"), event.getRequestContext().getConnectionId());
            return Recorder.ok();
        }));
        var management = fixture.management(gateway);
        List<TestClient> sockets = new ArrayList<>();
        for (int n = 0; n < clients; n++) {
            sockets.add(fixture.connect(URI.create(gateway.webSocketUri() + "?n=" + n)));
        }
        GatewayFixture.eventually(() -> gateway.connectionCount() == clients, "all clients connected");

        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> posts = new ArrayList<>();
            for (int i = 0; i < postsEach; i++) {
                for (int n = 0; n < clients; n++) {
                    String id = idByClient.get(Integer.toString(n));
                    String body = "{\"client\":" + n + ",\"seq\":" + i + "}";
                    posts.add(pool.submit(() -> management.postToConnection(
                            b -> b.connectionId(id).data(SdkBytes.fromUtf8String(body)))));
                }
            }
            for (Future<?> post : posts) {
                post.get(60, TimeUnit.SECONDS);
            }
        }

        for (int n = 0; n < clients; n++) {
            Set<String> expected = new HashSet<>();
            Set<String> received = new HashSet<>();
            for (int i = 0; i < postsEach; i++) {
                expected.add("{\"client\":" + n + ",\"seq\":" + i + "}");
                received.add(sockets.get(n).nextMessage());
            }
            assertEquals(expected, received, "client " + n);
        }
    }

    @Test
    void concurrentLargePostsToOneConnectionAreNeverInterleaved() throws Exception {
        var connect = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().route("$connect", connect));
        var management = fixture.management(gateway);
        var client = fixture.connect(gateway);
        String id = connect.next().getRequestContext().getConnectionId();

        int posts = 100;
        Set<String> expected = new HashSet<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < posts; i++) {
                // Over 32 KB: each goes out as two frames, which must never interleave with another's.
                String body = Character.toString('a' + i % 26).repeat(40_000) + i;
                expected.add(body);
                futures.add(pool.submit(() -> management.postToConnection(
                        b -> b.connectionId(id).data(SdkBytes.fromUtf8String(body)))));
            }
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        }
        Set<String> received = new HashSet<>();
        for (int i = 0; i < posts; i++) {
            received.add(client.nextMessage());
        }
        assertEquals(expected, received);
    }
}
