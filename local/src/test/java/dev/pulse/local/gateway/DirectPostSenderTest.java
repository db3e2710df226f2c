package dev.pulse.local.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.delivery.DirectPostSender;
import dev.pulse.delivery.SendResult;
import dev.pulse.support.log.LogContext;
import dev.pulse.support.log.LogField;
import dev.pulse.support.log.StdoutLines;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The functions' direct post path against the emulator, which checks every signature with the AWS SDK's own signer:
 * so a hand-made signature that drifted from the SDK's would be refused here (403), not only on AWS.
 */
class DirectPostSenderTest {
    private final GatewayFixture fixture = new GatewayFixture();

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    private DirectPostSender sender(WebSocketGateway gateway, software.amazon.awssdk.auth.credentials.AwsCredentials credentials) {
        return fixture.track(new DirectPostSender(gateway.managementEndpoint(), "us-east-1",
                StaticCredentialsProvider.create(credentials),
                new DirectPostSender.Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5)), 4, Clock.systemUTC()));
    }

    @Test
    void aSignedPostIsAcceptedAndArrivesAsOneMessage() throws Exception {
        var connect = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().route("$connect", connect)
                .connectionIds(() -> "Ab+/c=" + System.nanoTime()));
        var client = fixture.connect(gateway);
        String connectionId = connect.next().getRequestContext().getConnectionId();
        var sender = sender(gateway, GatewayFixture.CREDENTIALS);

        String body = "{\"type\":\"chat\",\"text\":\"héllo ✓ 😀\"}";
        assertEquals(SendResult.DELIVERED, sender.send(connectionId, body), "an id with '+', '/' and '=' in it");
        assertEquals(body, client.nextMessage());
        for (int i = 0; i < 50; i++) { // the same keep-alive connections, again and again
            assertEquals(SendResult.DELIVERED, sender.send(connectionId, "m" + i));
            assertEquals("m" + i, client.nextMessage());
        }
        assertNull(client.pollMessage(200));
    }

    @Test
    void anUnknownConnectionIsGone() {
        var gateway = fixture.start(WebSocketGateway.builder().route("$connect", new Recorder()));
        assertEquals(SendResult.GONE, sender(gateway, GatewayFixture.CREDENTIALS).send("bm90LWEtY29ubmVjdGlvbg=", "{}"));
    }

    @Test
    void otherCredentialsAreRefusedForGoodAndSessionTokensAreSigned() {
        var gateway = fixture.start(WebSocketGateway.builder().route("$connect", new Recorder()));
        assertEquals(SendResult.FAILED, sender(gateway, AwsBasicCredentials.create("AKIDLOCAL", "wrong")).send("abc=", "{}"),
                "403 InvalidSignatureException");
        // The emulator takes no session credentials: refused (403), but only after reading a well-formed signature.
        assertEquals(SendResult.FAILED, sender(gateway, AwsSessionCredentials.create("AKIDLOCAL", "secret", "token"))
                .send("abc=", "{}"));
    }

    @Test
    void aRefusedPostIsLoggedWithTheInvocationsFieldsThoughItsAnswerArrivesOnAnotherThread() {
        var gateway = fixture.start(WebSocketGateway.builder().route("$connect", new Recorder()));
        var sender = sender(gateway, AwsBasicCredentials.create("AKIDLOCAL", "wrong"));
        java.util.List<String> lines;
        try (var out = StdoutLines.capture(); var context = LogContext.open("pulse-fanout", "req-7", "inv-7")) {
            LogContext.put(LogField.CORRELATION_ID, "corr-7");
            assertEquals(SendResult.FAILED, sender.send("abc=", "{}"));
            lines = out.lines();
        }
        var refused = lines.stream().filter(line -> line.contains("post to abc= answered 403")).toList();
        assertEquals(1, refused.size(), lines.toString());
        assertTrue(refused.getFirst().contains("inv-7") && refused.getFirst().contains("corr-7"), refused.getFirst());
    }

    @Test
    void aPostOver128KiBIsRefusedForGood() throws Exception {
        var connect = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().route("$connect", connect));
        fixture.connect(gateway);
        String connectionId = connect.next().getRequestContext().getConnectionId();
        var sender = sender(gateway, GatewayFixture.CREDENTIALS);
        assertEquals(SendResult.FAILED, sender.send(connectionId, "x".repeat(128 * 1024 + 1)), "413");
        assertEquals(SendResult.DELIVERED, sender.send(connectionId, "after"), "the sender goes on with a new connection");
    }

    @Test
    void noAnswerIsRetryable() throws Exception {
        // A server that accepts connections and never answers.
        try (var silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            var accepted = new java.util.concurrent.CopyOnWriteArrayList<java.net.Socket>();
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            try (var sender = new DirectPostSender(java.net.URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/local"),
                    "us-east-1", StaticCredentialsProvider.create(GatewayFixture.CREDENTIALS),
                    new DirectPostSender.Timeouts(Duration.ofSeconds(2), Duration.ofMillis(300)), 2, Clock.systemUTC())) {
                assertEquals(SendResult.RETRYABLE, sender.send("abc=", "{}"));
            } finally {
                for (var s : accepted) {
                    s.close();
                }
            }
        }
    }
}
