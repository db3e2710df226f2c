package dev.pulse.testing;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import dev.pulse.store.ConnectionTable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * DynamoDB Local for tests of every module (shared's test-jar): one in-memory server per JVM, started on
 * first use on a free port and stopped by a shutdown hook. Tests talk to it over HTTP with the stock SDK,
 * exactly as the handlers talk to DynamoDB.
 *
 * <p>Isolation comes from table names, not servers: each test (or class) calls
 * {@link #createConnectionsTable()} and gets a fresh table of its own. The server runs with
 * {@code -sharedDb}, so every client sees the same tables whatever credentials or region it signs with.
 *
 * <pre>{@code
 * try (var dynamo = DynamoDbLocal.client()) {
 *     var table = DynamoDbLocal.createConnectionsTable();
 *     var store = new ConnectionStore(dynamo, table, clock);
 *     ...
 * }
 * }</pre>
 */
public final class DynamoDbLocal {
    public static final Region REGION = Region.US_EAST_1;
    /** Dummy credentials; DynamoDB Local checks only that requests are signed. */
    public static final AwsBasicCredentials CREDENTIALS = AwsBasicCredentials.create("local", "local");

    private static URI endpoint;

    private DynamoDbLocal() {
    }

    /** The server's endpoint ({@code http://127.0.0.1:<port>}), starting the server if needed. */
    public static synchronized URI endpoint() {
        if (endpoint == null) {
            endpoint = start();
        }
        return endpoint;
    }

    /**
     * A new client for the server. Each call builds its own client (with its own connection pool), so
     * close it when done; closing it never affects other tests.
     */
    public static DynamoDbClient client() {
        return clientBuilder().build();
    }

    /** A builder preset for the server, for tests that add something (an interceptor, say) before building. */
    public static DynamoDbClientBuilder clientBuilder() {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint())
                .region(REGION)
                .credentialsProvider(StaticCredentialsProvider.create(CREDENTIALS))
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(64));
    }

    /**
     * Creates a connections table with a name no other caller gets, laid out by
     * {@link ConnectionTable#createTableRequest(String)} with TTL enabled, and returns its name.
     */
    public static String createConnectionsTable() {
        var name = "connections-" + UUID.randomUUID();
        try (var dynamo = client()) {
            dynamo.createTable(ConnectionTable.createTableRequest(name));
            dynamo.waiter().waitUntilTableExists(b -> b.tableName(name));
            dynamo.updateTimeToLive(ConnectionTable.timeToLiveRequest(name));
        }
        return name;
    }

    private static URI start() {
        Exception last = null;
        // The free port is found by binding and releasing it; another process can take it in between,
        // so a failed start is retried on a new port.
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = freePort();
            try {
                DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(new String[] {
                        "-inMemory", "-sharedDb", "-disableTelemetry", "-port", Integer.toString(port)});
                server.start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        server.stop();
                    } catch (Exception ignored) {
                        // the JVM is exiting; nothing left to clean up
                    }
                }, "dynamodb-local-stop"));
                return URI.create("http://127.0.0.1:" + port);
            } catch (Exception e) {
                last = e;
            }
        }
        throw new IllegalStateException("DynamoDB Local did not start", last);
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }
}
