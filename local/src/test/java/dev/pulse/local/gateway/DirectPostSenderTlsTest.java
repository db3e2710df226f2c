package dev.pulse.local.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.delivery.DirectPostSender;
import dev.pulse.delivery.SendResult;
import java.io.FileInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The direct post path over TLS (API Gateway's {@code @connections} endpoint is https) against a real TLS server
 * (Jetty, with a certificate made for the test by the JDK's keytool for {@code localhost}), and over connections a
 * server closes after each answer without saying so: every post arrives, once, intact.
 */
class DirectPostSenderTlsTest {
    @TempDir
    Path dir;

    private static final class Recording extends Handler.Abstract.NonBlocking {
        final List<String> bodies = new CopyOnWriteArrayList<>();

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Content.Source.asStringAsync(request, StandardCharsets.UTF_8).whenComplete((body, failure) -> {
                bodies.add(body);
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0L);
                callback.succeeded();
            });
            return true;
        }
    }

    @Test
    void postsGoOverTlsWithTheHostNameVerified() throws Exception {
        Path keystore = dir.resolve("server.p12");
        var keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0,
                new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8));

        var ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(keystore.toString());
        ssl.setKeyStorePassword("changeit");
        var server = new Server();
        var connector = new ServerConnector(server, ssl);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        var recording = new Recording();
        server.setHandler(recording);
        server.start();
        try {
            var trust = KeyStore.getInstance("PKCS12");
            try (var in = new FileInputStream(keystore.toFile())) {
                trust.load(in, "changeit".toCharArray());
            }
            var trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);
            var context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers.getTrustManagers(), null);

            try (var sender = new DirectPostSender(URI.create("https://localhost:" + connector.getLocalPort() + "/prod"),
                    "us-east-1", StaticCredentialsProvider.create(GatewayFixture.CREDENTIALS),
                    new DirectPostSender.Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5)), 4, context,
                    Clock.systemUTC())) {
                for (int i = 0; i < 20; i++) {
                    assertEquals(SendResult.DELIVERED, sender.send("abc=", "frame-" + i));
                }
                String big = "é".repeat(60 * 1024); // 120 KB: several TLS records each way
                assertEquals(SendResult.DELIVERED, sender.send("abc=", big));
                assertEquals(21, recording.bodies.size());
                assertEquals("frame-19", recording.bodies.get(19));
                assertEquals(big, recording.bodies.get(20));
            }
            // The same server by another name than the certificate's: refused by host name verification, never sent.
            try (var sender = new DirectPostSender(URI.create("https://127.0.0.1:" + connector.getLocalPort() + "/prod"),
                    "us-east-1", StaticCredentialsProvider.create(GatewayFixture.CREDENTIALS),
                    new DirectPostSender.Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5)), 1, context,
                    Clock.systemUTC())) {
                assertEquals(SendResult.RETRYABLE, sender.send("abc=", "not for you"));
                assertEquals(21, recording.bodies.size());
            }
        } finally {
            server.stop();
        }
    }

    @Test
    void aConnectionTheServerClosedAfterItsAnswerIsReplacedAndNoPostIsLostOrRepeated() throws Exception {
        var received = new CopyOnWriteArrayList<String>();
        try (var server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        try (Socket s = server.accept()) {
                            received.add(readRequestBody(s));
                            // Answered as keep-alive, then closed: the next request on it finds it gone.
                            s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
                                    .getBytes(StandardCharsets.US_ASCII));
                        }
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            try (var sender = new DirectPostSender(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/local"),
                    "us-east-1", StaticCredentialsProvider.create(GatewayFixture.CREDENTIALS),
                    new DirectPostSender.Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5)), 1, Clock.systemUTC())) {
                for (int i = 0; i < 10; i++) {
                    assertEquals(SendResult.DELIVERED, sender.send("abc=", "p" + i));
                }
            }
        }
        assertEquals(List.of("p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9"), received);
    }

    private static String readRequestBody(Socket s) throws java.io.IOException {
        var in = s.getInputStream();
        var head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new java.io.EOFException();
            }
            head.append((char) c);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
