package dev.pulse.local.dynamodb;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import dev.pulse.store.ConnectionTable;
import dev.pulse.store.EventLogTable;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveRequest;

/**
 * DynamoDB Local (AWS's own engine) as an in-process HTTP server, in memory, telemetry off. The handlers
 * reach it over HTTP with the stock SDK, exactly as they reach DynamoDB.
 */
public final class EmbeddedDynamoDb implements AutoCloseable {
    private final DynamoDBProxyServer server;
    private final int port;

    private EmbeddedDynamoDb(DynamoDBProxyServer server, int port) {
        this.server = server;
        this.port = port;
    }

    public static EmbeddedDynamoDb start(int port) {
        int actualPort = port == 0 ? FreePort.find() : port;
        try {
            var server = ServerRunner.createServerFromCommandLineArgs(
                    new String[] {"-inMemory", "-port", Integer.toString(actualPort), "-disableTelemetry"});
            server.start();
            return new EmbeddedDynamoDb(server, actualPort);
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start on port " + actualPort, e);
        }
    }

    public URI endpoint() {
        return URI.create("http://localhost:" + port);
    }

    /** Creates the connections table with its TTL attribute, as the CDK stack does. */
    public void createConnectionsTable(String tableName, Region region) {
        createTable(ConnectionTable.createTableRequest(tableName), ConnectionTable.timeToLiveRequest(tableName), region);
    }

    /** Creates the event log table with its TTL attribute, as the CDK stack does. */
    public void createEventsTable(String tableName, Region region) {
        createTable(EventLogTable.createTableRequest(tableName), EventLogTable.timeToLiveRequest(tableName), region);
    }

    private void createTable(CreateTableRequest table, UpdateTimeToLiveRequest ttl, Region region) {
        try (var client = DynamoDbClient.builder()
                .endpointOverride(endpoint())
                .region(region)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(ApacheHttpClient.create())
                .build()) {
            client.createTable(table);
            client.updateTimeToLive(ttl);
        }
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not stop", e);
        }
    }
}
