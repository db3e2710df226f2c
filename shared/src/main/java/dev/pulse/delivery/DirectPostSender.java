package dev.pulse.delivery;

import dev.pulse.support.log.LogField;
import dev.pulse.support.log.LogContext;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;

/**
 * PostToConnection without the SDK's request pipeline: one SigV4-signed ({@link PostSigner}) HTTP/1.1 POST per frame,
 * signed on the calling thread and sent over keep-alive connections driven by one selector thread
 * ({@link KeepAliveConnections}), so no thread waits per post in flight. Answers are mapped as the SDK maps them, by {@code x-amzn-ErrorType} first: {@code GoneException} (410) is {@link SendResult#GONE};
 * throttling ({@code LimitExceededException}, 429), 5xx and I/O errors or timeouts are
 * {@link SendResult#RETRYABLE}; anything else (403, 413, …) is {@link SendResult#FAILED}. It retries nothing itself:
 * the caller decides ({@link PostRetries}).
 *
 * <p>Why not the SDK's {@code postToConnection}: measured by {@code ./pulse bench-post} (docs/BENCHMARKS.md), the
 * SDK's pipeline alone (no I/O) costs more CPU per post than issue 14's whole budget of 25 µs, whichever HTTP client
 * carries it. Every other {@code @connections} call (DELETE, GET) stays on the SDK client. SigV4 is computed here for
 * this one request shape only, and checked against the SDK's signer by the tests and by the local emulator.
 */
public final class DirectPostSender implements AsyncConnectionSender, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DirectPostSender.class);

    private final KeepAliveConnections connections;
    private final String basePath;
    private final String host;
    private final IdentityProvider<? extends AwsCredentialsIdentity> credentials;
    private final PostSigner signer;

    /**
     * @param endpoint    the {@code @connections} callback URL, e.g. {@code https://<api>.execute-api.<region>.amazonaws.com/<stage>}
     * @param credentials resolved per post (providers cache and refresh them themselves)
     * @param timeouts    connecting, and waiting for an answer; a post over either is {@link SendResult#RETRYABLE}
     * @param maxConnections keep-alive connections at most (the fan-out's concurrency: one per post in flight)
     */
    public DirectPostSender(URI endpoint, String region, IdentityProvider<? extends AwsCredentialsIdentity> credentials,
                            Timeouts timeouts, int maxConnections, Clock clock) {
        this(endpoint, region, credentials, timeouts, maxConnections, null, clock);
    }

    /** @param tls the TLS context for an {@code https} endpoint (tests trust their own certificate); null: the JDK's */
    public DirectPostSender(URI endpoint, String region, IdentityProvider<? extends AwsCredentialsIdentity> credentials,
                            Timeouts timeouts, int maxConnections, javax.net.ssl.SSLContext tls, Clock clock) {
        String scheme = endpoint.getScheme();
        int port = endpoint.getPort();
        boolean defaultPort = port < 0 || ("https".equals(scheme) && port == 443) || ("http".equals(scheme) && port == 80);
        this.host = defaultPort ? endpoint.getHost() : endpoint.getHost() + ":" + port;
        String path = endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        try {
            this.connections = new KeepAliveConnections(endpoint, timeouts.connect(), timeouts.answer(), maxConnections, tls);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot open a selector for posts", e);
        }
        this.credentials = credentials;
        this.signer = new PostSigner(region, host, clock);
    }

    /** @param connect how long opening a connection may take; @param answer how long an answer may take */
    public record Timeouts(Duration connect, Duration answer) {
    }

    @Override
    public void sendAsync(String connectionId, String frame, Consumer<SendResult> done) {
        String path = basePath + "/@connections/" + encodeId(connectionId);
        byte[] body = frame.getBytes(StandardCharsets.UTF_8);
        var signature = signer.sign(credentials instanceof AwsCredentialsProvider classic ? classic.resolveCredentials()
                : credentials.resolveIdentity().join(), path, body);
        var head = new StringBuilder(256 + signature.authorization().length())
                .append("POST ").append(path).append(" HTTP/1.1\r\nHost: ").append(host)
                .append("\r\nX-Amz-Date: ").append(signature.amzDate())
                .append("\r\nX-Amz-Content-Sha256: ").append(signature.contentSha256())
                .append("\r\nAuthorization: ").append(signature.authorization());
        if (signature.securityToken() != null) {
            head.append("\r\nX-Amz-Security-Token: ").append(signature.securityToken());
        }
        head.append("\r\nContent-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n\r\n");
        byte[] request = new byte[head.length() + body.length];
        for (int i = 0; i < head.length(); i++) {
            request[i] = (byte) head.charAt(i); // the head is ASCII: the id is percent-encoded, the rest is ours
        }
        System.arraycopy(body, 0, request, head.length(), body.length);
        // The answer comes on the I/O thread: a failure is logged with the invocation's fields, taken here.
        var context = LogContext.capture();
        connections.exchange(request, (answer, failure) -> {
            if (failure != null) {
                LogContext.with(context, () -> LOG.atWarn().addKeyValue(LogField.OUTCOME, "failed")
                        .log("post to {} failed: {}", connectionId, failure.toString()));
                done.accept(SendResult.RETRYABLE);
            } else if (answer.status() == 200) {
                done.accept(SendResult.DELIVERED);
            } else {
                var result = new SendResult[1];
                LogContext.with(context, () -> result[0] = result(connectionId, answer.status(), answer.errorType(),
                        answer.body()));
                done.accept(result[0]);
            }
        });
    }

    /** What an answer means, by its error type first (as the SDK reads it), then by its status. */
    static SendResult result(String connectionId, int status, String errorType, String body) {
        if (status == 200) {
            return SendResult.DELIVERED;
        }
        String type = errorType.contains(":") ? errorType.substring(0, errorType.indexOf(':')) : errorType;
        if (type.equals("GoneException") || (type.isEmpty() && status == 410)) {
            return SendResult.GONE;
        }
        boolean retryable = type.equals("LimitExceededException") || type.equals("ThrottlingException")
                || status == 429 || status >= 500;
        LOG.atWarn().addKeyValue(LogField.OUTCOME, "failed").log("post to {} answered {} {}: {}", connectionId, status, type, body);
        return retryable ? SendResult.RETRYABLE : SendResult.FAILED;
    }

    /** The id as one path segment: every byte but unreserved characters percent-encoded, as the SDK encodes it. */
    static String encodeId(String connectionId) {
        var out = new StringBuilder(connectionId.length() + 8);
        PostSigner.appendUriEncoded(out, connectionId, false);
        return out.toString();
    }

    @Override
    public void close() {
        connections.close();
    }
}
