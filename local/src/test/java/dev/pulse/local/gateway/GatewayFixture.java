package dev.pulse.local.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;

/** Starts gateways on free ports, hands out real clients (WebSocket, HTTP, stock SDK) and closes everything. */
final class GatewayFixture implements AutoCloseable {
    /** Not the gateway's default ones: every gateway here is told which credentials to accept. */
    static final AwsBasicCredentials CREDENTIALS = AwsBasicCredentials.create("AKIDLOCAL", "secret");

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<AutoCloseable> resources = new ArrayList<>();

    WebSocketGateway start(WebSocketGateway.Builder builder) {
        WebSocketGateway gateway = builder.port(0).credentials(CREDENTIALS).build().start();
        resources.add(gateway);
        return gateway;
    }

    /** The stock SDK client exactly as a fan-out Lambda builds it, pointed at the emulator. */
    ApiGatewayManagementApiClient management(WebSocketGateway gateway) {
        return management(gateway, CREDENTIALS);
    }

    /** The same client signing with other credentials (a caller who guessed a connection id). */
    ApiGatewayManagementApiClient management(WebSocketGateway gateway, AwsBasicCredentials credentials) {
        var client = ApiGatewayManagementApiClient.builder()
                .endpointOverride(gateway.managementEndpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(64))
                .build();
        resources.add(client);
        return client;
    }

    TestClient connect(WebSocketGateway gateway) throws Exception {
        return connect(gateway.webSocketUri());
    }

    TestClient connect(URI uri) throws Exception {
        TestClient client = TestClient.connect(http, uri);
        resources.add(client);
        return client;
    }

    <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }

    static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception ignored) {
                // best effort: the next resource must still be closed
            }
        }
        http.close();
    }
}
