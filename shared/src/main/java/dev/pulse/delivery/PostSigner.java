package dev.pulse.delivery;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * SigV4 for the one request shape of the hot path, {@code POST <stage>/@connections/<id>} with headers {@code host},
 * {@code x-amz-content-sha256} and {@code x-amz-date} (and {@code x-amz-security-token} with session credentials)
 * signed, the headers the SDK's signer signs, as the AWS SDK's signer computes
 * it (service {@code execute-api}, the path URI-encoded once more for the canonical request, as for every service but
 * S3). The SDK's general signer rebuilds the request, its header maps and the signing key on every call (issue 14's
 * profile: 17 % of the handler's CPU per post); here the signing key is derived once per day and credentials, and a
 * signature is two SHA-256 digests and one HMAC on per-thread instances. The local {@code @connections} emulator checks
 * every signature made here against the SDK's own signer, so the two cannot drift apart unnoticed.
 */
final class PostSigner {
    static final String SERVICE = "execute-api";
    private static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final HexFormat HEX = HexFormat.of();

    /** What a signed request carries. */
    record Signature(String amzDate, String contentSha256, String authorization, String securityToken) {
    }

    private record AmzDate(long second, String text) {
    }

    /** The signing key of one day, region and secret; replaced when any of them changes. */
    private record DayKey(String date, String secret, SecretKeySpec key) {
    }

    /** Digest and MAC instances are not thread-safe and costly to look up: one of each per thread, reused. */
    private static final ThreadLocal<Tools> TOOLS = ThreadLocal.withInitial(Tools::new);

    private final String region;
    private final String host;
    private final Clock clock;
    private volatile DayKey dayKey;
    private volatile AmzDate amzDate;

    /** @param host the {@code Host} header as sent: {@code host}, or {@code host:port} for a non-default port */
    PostSigner(String region, String host, Clock clock) {
        this.region = region;
        this.host = host;
        this.clock = clock;
    }

    /**
     * @param encodedPath the request path exactly as sent (the connection id already percent-encoded)
     */
    Signature sign(AwsCredentialsIdentity credentials, String encodedPath, byte[] body) {
        String amzDate = amzDate();
        String date = amzDate.substring(0, 8);
        String token = credentials instanceof AwsSessionCredentialsIdentity session ? session.sessionToken() : null;
        String signedHeaders = token == null ? "host;x-amz-content-sha256;x-amz-date"
                : "host;x-amz-content-sha256;x-amz-date;x-amz-security-token";
        Tools tools = TOOLS.get();
        String bodyHash = tools.hexSha256(body);
        var canonical = new StringBuilder(320).append("POST\n");
        appendUriEncoded(canonical, encodedPath, true);
        canonical.append("\n\nhost:").append(host)
                .append("\nx-amz-content-sha256:").append(bodyHash)
                .append("\nx-amz-date:").append(amzDate).append('\n');
        if (token != null) {
            canonical.append("x-amz-security-token:").append(token).append('\n');
        }
        canonical.append('\n').append(signedHeaders).append('\n').append(bodyHash);
        String scope = date + "/" + region + "/" + SERVICE + "/aws4_request";
        String stringToSign = ALGORITHM + "\n" + amzDate + "\n" + scope + "\n"
                + tools.hexSha256(canonical.toString().getBytes(StandardCharsets.UTF_8));
        String signature = HEX.formatHex(tools.hmac(key(credentials, date), stringToSign));
        String authorization = ALGORITHM + " Credential=" + credentials.accessKeyId() + "/" + scope
                + ", SignedHeaders=" + signedHeaders + ", Signature=" + signature;
        return new Signature(amzDate, bodyHash, authorization, token);
    }

    /** X-Amz-Date has a resolution of one second: formatted once per second, not per post. */
    private String amzDate() {
        long second = Math.floorDiv(clock.millis(), 1000);
        AmzDate cached = amzDate;
        if (cached == null || cached.second() != second) {
            cached = new AmzDate(second, AMZ_DATE.format(Instant.ofEpochSecond(second)));
            amzDate = cached;
        }
        return cached.text();
    }

    private SecretKeySpec key(AwsCredentialsIdentity credentials, String date) {
        DayKey current = dayKey;
        if (current != null && current.date().equals(date) && current.secret().equals(credentials.secretAccessKey())) {
            return current.key();
        }
        Tools tools = TOOLS.get();
        byte[] k = tools.hmac(new SecretKeySpec(("AWS4" + credentials.secretAccessKey()).getBytes(StandardCharsets.UTF_8),
                "HmacSHA256"), date);
        k = tools.hmac(new SecretKeySpec(k, "HmacSHA256"), region);
        k = tools.hmac(new SecretKeySpec(k, "HmacSHA256"), SERVICE);
        k = tools.hmac(new SecretKeySpec(k, "HmacSHA256"), "aws4_request");
        var key = new SecretKeySpec(k, "HmacSHA256");
        dayKey = new DayKey(date, credentials.secretAccessKey(), key);
        return key;
    }

    /**
     * URI encoding as SigV4 (and the SDK's path marshalling) does it: every byte but unreserved characters as %XY
     * (upper-case hex), and '/' kept when {@code keepSlash} (a whole path, not one segment).
     */
    static void appendUriEncoded(StringBuilder out, String path, boolean keepSlash) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~' || (c == '/' && keepSlash)) {
                out.append(c);
            } else if (c < 0x80) {
                appendPercent(out, c);
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < path.length() ? i + 2 : i + 1;
                for (byte b : path.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                    appendPercent(out, b & 0xff);
                }
                i = end - 1;
            }
        }
    }

    private static void appendPercent(StringBuilder out, int b) {
        out.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
    }

    private static final class Tools {
        private final MessageDigest sha256;
        private final Mac mac;

        Tools() {
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
                mac = Mac.getInstance("HmacSHA256");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JDK lacks SHA-256 or HmacSHA256", e);
            }
        }

        String hexSha256(byte[] data) {
            return HEX.formatHex(sha256.digest(data));
        }

        byte[] hmac(SecretKeySpec key, String data) {
            try {
                mac.init(key);
            } catch (java.security.InvalidKeyException e) {
                throw new IllegalStateException(e);
            }
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        }
    }
}
