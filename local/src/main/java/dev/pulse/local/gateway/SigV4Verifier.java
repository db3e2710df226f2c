package dev.pulse.local.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Checks the SigV4 signature of a {@code @connections} call the way API Gateway does: the signature the expected
 * credentials give the received request (its own {@code X-Amz-Date}, exactly the headers it says it signed, its body)
 * is computed by the SigV4 algorithm and compared in constant time. A wrong key id, scope, date (more than 5 minutes
 * off, API Gateway's tolerance) or signature is refused with the error type and message API Gateway uses.
 *
 * <p>Until issue 14 the request was re-signed by the AWS SDK's general signer, which rebuilt the request and derived
 * the signing key on every call; computing the canonical request directly, with the signing key derived once a day,
 * is what keeps the emulator's cost per post low. The tests sign with the SDK's own signer and client, so this
 * verification still answers to the SDK's SigV4, including the refusals.
 */
final class SigV4Verifier {
    static final String SERVICE = "execute-api";
    static final Duration MAX_SKEW = Duration.ofMinutes(5);
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final String MISMATCH = "The request signature we calculated does not match the signature you "
            + "provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

    private final AwsCredentialsIdentity credentials;
    private final String region;
    private final Clock clock;
    private volatile DayKey dayKey;

    SigV4Verifier(AwsCredentialsIdentity credentials, String region, Clock clock) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.region = Objects.requireNonNull(region, "region");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * @param body the whole request body (empty for none)
     * @throws SignatureRefused when the request is not signed by the expected credentials, now, for this region
     */
    void verify(Request request, byte[] body) throws SignatureRefused {
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (authorization == null || authorization.isBlank()) {
            throw SignatureRefused.missing();
        }
        SigV4Header header = SigV4Header.parse(authorization);
        String amzDate = request.getHeaders().get("X-Amz-Date");
        if (amzDate == null) {
            // API Gateway also takes a signed Date header; the SDKs send X-Amz-Date, the only one read here.
            throw SignatureRefused.incomplete("Authorization header requires existence of a 'X-Amz-Date' header.");
        }
        Instant signedAt = parseAmzDate(amzDate);
        if (!credentials.accessKeyId().equals(header.accessKeyId())
                || request.getHeaders().contains("X-Amz-Security-Token")) {
            // The local runtime knows one key and hands out no session credentials.
            throw SignatureRefused.unrecognizedClient();
        }
        checkScope(header, amzDate);
        checkSkew(signedAt, amzDate);
        if (!header.signedHeaders().contains("host")) {
            throw SignatureRefused.invalid(MISMATCH + " The signed headers must include 'host'.");
        }
        String expected = resign(request, body, header, amzDate);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                header.signature().getBytes(StandardCharsets.US_ASCII))) {
            throw SignatureRefused.invalid(MISMATCH);
        }
    }

    private static Instant parseAmzDate(String amzDate) throws SignatureRefused {
        try {
            return Instant.from(AMZ_DATE.parse(amzDate));
        } catch (DateTimeParseException e) {
            throw SignatureRefused.incomplete("X-Amz-Date must be in the ISO-8601 basic format yyyyMMdd'T'HHmmss'Z', got '"
                    + amzDate + "'.");
        }
    }

    private void checkScope(SigV4Header header, String amzDate) throws SignatureRefused {
        if (!amzDate.startsWith(header.scopeDate())) {
            throw SignatureRefused.invalid("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of "
                    + "date from HTTP: '" + header.scopeDate() + "' != '" + amzDate.substring(0, 8) + "', from '" + amzDate + "'.");
        }
        if (!region.equals(header.region())) {
            throw SignatureRefused.invalid("Credential should be scoped to a valid region, not '" + header.region()
                    + "'. The local runtime signs for '" + region + "'.");
        }
        if (!SERVICE.equals(header.service())) {
            throw SignatureRefused.invalid("Credential should be scoped to correct service: '" + SERVICE + "'.");
        }
        if (!"aws4_request".equals(header.terminator())) {
            throw SignatureRefused.invalid("Credential should be scoped with a valid terminator: 'aws4_request', not '"
                    + header.terminator() + "'.");
        }
    }

    private void checkSkew(Instant signedAt, String amzDate) throws SignatureRefused {
        Instant now = clock.instant();
        if (signedAt.isBefore(now.minus(MAX_SKEW))) {
            throw SignatureRefused.invalid("Signature expired: " + amzDate + " is now earlier than "
                    + AMZ_DATE.format(now.minus(MAX_SKEW)) + " (" + AMZ_DATE.format(now) + " - 5 min.)");
        }
        if (signedAt.isAfter(now.plus(MAX_SKEW))) {
            throw SignatureRefused.invalid("Signature not yet current: " + amzDate + " is still later than "
                    + AMZ_DATE.format(now.plus(MAX_SKEW)) + " (" + AMZ_DATE.format(now) + " + 5 min.)");
        }
    }

    /**
     * The signature the expected credentials give this request, as the client should have computed it: the canonical
     * request (method, the path as received encoded once more, the sorted query, exactly the headers the caller says
     * it signed, the body's SHA-256), then the string to sign and its HMAC under the day's signing key.
     */
    private String resign(Request request, byte[] body, SigV4Header header, String amzDate) throws SignatureRefused {
        HttpURI uri = request.getHttpURI();
        String path = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
        var canonical = new StringBuilder(512).append(request.getMethod()).append('\n');
        uriEncode(canonical, path, true);
        canonical.append('\n').append(canonicalQuery(uri.getQuery())).append('\n');
        for (String name : header.signedHeaders()) {
            List<String> values = request.getHeaders().getValuesList(name);
            if (values.isEmpty()) {
                // A header it claims to have signed but did not send cannot match.
                throw SignatureRefused.invalid(MISMATCH);
            }
            canonical.append(name).append(':');
            for (int i = 0; i < values.size(); i++) {
                String value = values.get(i).strip();
                canonical.append(i == 0 ? "" : ",").append(value.contains("  ") ? value.replaceAll(" +", " ") : value);
            }
            canonical.append('\n');
        }
        canonical.append('\n').append(header.signedHeadersValue()).append('\n').append(hex(sha256(body)));
        String scope = header.scopeDate() + "/" + region + "/" + SERVICE + "/aws4_request";
        String toSign = SigV4Header.ALGORITHM + "\n" + amzDate + "\n" + scope + "\n"
                + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        try {
            // A clone of the day's initialised MAC: no provider look-up and no key set-up per call.
            Mac mac = (Mac) dayMac(header.scopeDate()).mac().clone();
            return hex(mac.doFinal(toSign.getBytes(StandardCharsets.UTF_8)));
        } catch (CloneNotSupportedException e) {
            return hex(hmac(dayMac(header.scopeDate()).key(), toSign));
        }
    }

    /**
     * The MAC under the key of one day (the key depends on the secret, the date, the region and the service only):
     * derived once a day, and cloned per call.
     */
    private DayKey dayMac(String date) {
        DayKey current = dayKey;
        if (current != null && current.date().equals(date)) {
            return current;
        }
        byte[] key = hmac(("AWS4" + credentials.secretAccessKey()).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, SERVICE);
        key = hmac(key, "aws4_request");
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            current = new DayKey(date, key, mac);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        dayKey = current;
        return current;
    }

    /** The day's key, and a MAC initialised with it that is only ever cloned, never used itself. */
    private record DayKey(String date, byte[] key, Mac mac) {
    }

    private static byte[] sha256(byte[] data) {
        try {
            return ((MessageDigest) SHA256.clone()).digest(data);
        } catch (CloneNotSupportedException e) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(data);
            } catch (java.security.NoSuchAlgorithmException missing) {
                throw new IllegalStateException(missing);
            }
        }
    }

    /** Cloned per use (cheaper than a provider look-up); never used itself. */
    private static final MessageDigest SHA256;

    static {
        try {
            SHA256 = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** SigV4's URI encoding: every byte but unreserved characters (and '/' in a path) as %XY, upper-case hex. */
    private static void uriEncode(StringBuilder out, String text, boolean path) {
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~' || (path && c == '/')) {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
    }

    /**
     * The query's parameters decoded, encoded again, sorted by name then value. A literal '+' is a space, as the
     * handlers behind (form decoding) and the AWS SDK's signer, which decodes the query before it canonicalises it,
     * read it; a plus is sent as %2B.
     */
    private static String canonicalQuery(String rawQuery) throws SignatureRefused {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        var pairs = new java.util.ArrayList<String[]>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String spaced = pair.replace('+', ' ');
            String name = ManagementApi.percentDecode(equals < 0 ? spaced : spaced.substring(0, equals));
            String value = equals < 0 ? "" : ManagementApi.percentDecode(spaced.substring(equals + 1));
            if (name == null || value == null) {
                throw SignatureRefused.invalid(MISMATCH);
            }
            var encodedName = new StringBuilder();
            uriEncode(encodedName, name, false);
            var encodedValue = new StringBuilder();
            uriEncode(encodedValue, value, false);
            pairs.add(new String[] {encodedName.toString(), encodedValue.toString()});
        }
        pairs.sort(java.util.Comparator.<String[], String>comparing(p -> p[0]).thenComparing(p -> p[1]));
        var out = new StringBuilder();
        for (String[] p : pairs) {
            out.append(out.isEmpty() ? "" : "&").append(p[0]).append('=').append(p[1]);
        }
        return out.toString();
    }
}
