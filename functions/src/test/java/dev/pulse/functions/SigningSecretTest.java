package dev.pulse.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.pulse.config.PulseConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** The key read through the stock SDK client from a real HTTP endpoint speaking Secrets Manager's JSON protocol. */
class SigningSecretTest {
    private static final String ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:pulse/jwt-AbC123";
    private static final String KEY = "0123456789abcdef0123456789abcdef";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile String secretString = KEY;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(exchange.getRequestHeaders().getFirst("X-Amz-Target") + " " + body);
            String secretId = MAPPER.readTree(body).path("SecretId").asText();
            var answer = secretString == null
                    ? Map.of("ARN", secretId, "Name", "pulse/jwt", "SecretBinary", "AAEC")
                    : Map.of("ARN", secretId, "Name", "pulse/jwt", "SecretString", secretString);
            byte[] bytes = MAPPER.writeValueAsBytes(answer);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private UnaryOperator<String> reader() {
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret"));
        return SigningSecret.reader(Region.EU_WEST_1, credentials,
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
    }

    @Test
    void theArnBecomesTheKeyPulseConfigReads() throws Exception {
        var env = SigningSecret.resolve(Map.of(SigningSecret.ARN_VARIABLE, ARN, "PULSE_JWT_ISSUER", "iss"),
                reader());
        assertEquals(KEY, env.get("PULSE_JWT_SECRET"));
        assertEquals(1, requests.size());
        assertTrue(requests.get(0).startsWith("secretsmanager.GetSecretValue "), requests.get(0));
        assertEquals(ARN, MAPPER.readTree(requests.get(0).substring(requests.get(0).indexOf(' ') + 1)).get("SecretId").asText());
        var jwt = PulseConfig.fromEnvironment(env).jwt();
        assertNotNull(jwt, "$connect now has a key source");
        assertEquals("iss", jwt.issuer());
    }

    /** The access hook's secret travels the same way: any PULSE_*_SECRET_ARN becomes its PULSE_*_SECRET. */
    @Test
    void theAccessHooksSecretArnIsResolvedLikeTheKeys() throws Exception {
        String hookArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:pulse/hook-XyZ789";
        var env = SigningSecret.resolve(Map.of(SigningSecret.ARN_VARIABLE, ARN, "PULSE_ACCESS_HOOK_SECRET_ARN", hookArn,
                "PULSE_ACCESS_HOOK_URL", "https://app.example/pulse/access"), reader());
        assertEquals(KEY, env.get("PULSE_JWT_SECRET"));
        assertEquals(KEY, env.get("PULSE_ACCESS_HOOK_SECRET"));
        var asked = requests.stream()
                .map(r -> r.substring(r.indexOf(' ') + 1))
                .map(body -> {
                    try {
                        return MAPPER.readTree(body).get("SecretId").asText();
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                })
                .sorted().toList();
        assertEquals(List.of(hookArn, ARN), asked);
        assertEquals(KEY, PulseConfig.fromEnvironment(env).access().hookSecret());
        // Other variables ending in _ARN are not secrets of ours.
        var unrelated = Map.of("PULSE_ALARM_TOPIC_ARN", "arn:aws:sns:eu-west-1:123456789012:ops", "AWS_ROLE_ARN", "x");
        assertSame(unrelated, SigningSecret.resolve(unrelated, reader()));
        var both = assertThrows(IllegalStateException.class, () -> SigningSecret.resolve(
                Map.of("PULSE_ACCESS_HOOK_SECRET_ARN", hookArn, "PULSE_ACCESS_HOOK_SECRET", KEY), reader()));
        assertEquals("Set PULSE_ACCESS_HOOK_SECRET or PULSE_ACCESS_HOOK_SECRET_ARN, not both", both.getMessage());
    }

    /**
     * $default as the stack configures it with a hook namespace: the configuration is complete only once the hook's
     * secret is read, so the region for Secrets Manager is taken from the environment alone.
     */
    @Test
    void aHookNamespaceWithItsSecretByArnConfiguresOnceTheSecretIsRead() {
        var env = Map.of("AWS_REGION", "eu-west-1", "PULSE_ROOM_ACCESS", "project=hook,*=grant",
                "PULSE_ACCESS_HOOK_URL", "https://app.example/pulse/access",
                "PULSE_ACCESS_HOOK_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:pulse/hook-XyZ789");
        var before = assertThrows(dev.pulse.config.ConfigException.class, () -> PulseConfig.fromEnvironment(env));
        assertTrue(before.getMessage().contains("PULSE_ACCESS_HOOK_SECRET are required"), before.getMessage());
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret"));
        var resolved = SigningSecret.resolve(env, credentials, URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
        var access = PulseConfig.fromEnvironment(resolved).access();
        assertEquals(KEY, access.hookSecret());
        assertEquals("project=hook,*=grant", access.policy().spec());
    }

    @Test
    void withoutAnArnNothingIsFetched() {
        var env = Map.of("PULSE_JWT_JWKS_URL", "https://auth.example/jwks.json");
        assertSame(env, SigningSecret.resolve(env, reader()));
        assertEquals(List.of(), requests);
    }

    @Test
    void aBinarySecretOrAPlainKeyAlongsideTheArnIsAnError() {
        secretString = null;
        var binary = assertThrows(IllegalStateException.class,
                () -> SigningSecret.resolve(Map.of(SigningSecret.ARN_VARIABLE, ARN), reader()));
        assertTrue(binary.getMessage().contains("no SecretString"), binary.getMessage());
        var both = assertThrows(IllegalStateException.class, () -> SigningSecret.resolve(
                Map.of(SigningSecret.ARN_VARIABLE, ARN, "PULSE_JWT_SECRET", KEY), reader()));
        assertTrue(both.getMessage().contains("not both"), both.getMessage());
    }
}
