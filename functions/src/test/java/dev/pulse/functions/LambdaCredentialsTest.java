package dev.pulse.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * Under SnapStart, Lambda hands credentials out from a container endpoint instead of environment variables.
 * A real HTTP endpoint plays that role here; the SDK reads its location from the system property that mirrors
 * {@code AWS_CONTAINER_CREDENTIALS_FULL_URI}.
 */
class LambdaCredentialsTest {
    private HttpServer server;

    @AfterEach
    void stop() {
        System.clearProperty("aws.containerCredentialsFullUri");
        System.clearProperty("aws.containerAuthorizationToken");
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void theContainerEndpointIsUsedWhenLambdaProvidesOne() throws Exception {
        List<String> authorizations = new CopyOnWriteArrayList<>();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/credentials", exchange -> {
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = ("{\"AccessKeyId\":\"ASIAFROMCONTAINER\",\"SecretAccessKey\":\"s3cr3t\",\"Token\":\"session\","
                    + "\"Expiration\":\"" + Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        System.setProperty("aws.containerCredentialsFullUri",
                "http://127.0.0.1:" + server.getAddress().getPort() + "/credentials");
        System.setProperty("aws.containerAuthorizationToken", "lambda-token");

        var credentials = Services.lambdaCredentials().resolveCredentials();
        assertEquals("ASIAFROMCONTAINER", credentials.accessKeyId());
        assertEquals("session", ((AwsSessionCredentials) credentials).sessionToken());
        assertEquals(List.of("lambda-token"), authorizations);
    }
}
