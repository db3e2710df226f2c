package dev.pulse.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.pulse.protocol.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A real HTTP endpoint speaking SQS's JSON protocol for SendMessage, and the stock SQS client pointed at it: it keeps
 * every request and answers 200 with the body's MD5, or, after {@link #fail()}, {@code QueueDoesNotExist}.
 */
final class SqsTestEndpoint implements AutoCloseable {
    final LinkedBlockingQueue<JsonNode> requests = new LinkedBlockingQueue<>();
    private final AtomicInteger status = new AtomicInteger(200);
    private final HttpServer server;
    final SqsClient sqs;

    SqsTestEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            JsonNode request = Json.MAPPER.readTree(exchange.getRequestBody());
            requests.add(request);
            String md5 = md5(request.path("MessageBody").asText());
            byte[] body = (status.get() == 200
                    ? "{\"MessageId\":\"m-1\",\"MD5OfMessageBody\":\"" + md5 + "\"}"
                    : "{\"__type\":\"com.amazonaws.sqs#QueueDoesNotExist\",\"message\":\"no queue\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
            if (status.get() != 200) {
                exchange.getResponseHeaders().add("x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender");
            }
            exchange.sendResponseHeaders(status.get(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        sqs = SqsClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "y")))
                .httpClient(ApacheHttpClient.create())
                // The test endpoint computes no attribute checksums.
                .checksumValidationEnabled(false)
                .overrideConfiguration(c -> c.retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    /** Every later request is answered 400 QueueDoesNotExist. */
    void fail() {
        status.set(400);
    }

    private static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        sqs.close();
        server.stop(0);
    }
}
