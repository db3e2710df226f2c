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
import java.util.Objects;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Checks the SigV4 signature of a {@code @connections} call the way API Gateway does, without a signer of our
 * own: the received request is signed again by the AWS SDK's {@link AwsV4HttpSigner} with the expected
 * credentials, the request's own {@code X-Amz-Date} and exactly the headers it claims to have signed, and the
 * two signatures are compared in constant time. A wrong key id, scope, date (more than 5 minutes off, API
 * Gateway's tolerance) or signature is refused with the error type and message API Gateway uses.
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
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

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
        String expected = resign(request, body, header, signedAt);
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

    /** The signature the expected credentials give this request, as the client should have computed it. */
    private String resign(Request request, byte[] body, SigV4Header header, Instant signedAt) throws SignatureRefused {
        HttpURI uri = request.getHttpURI();
        SdkHttpMethod method;
        try {
            method = SdkHttpMethod.fromValue(request.getMethod());
        } catch (IllegalArgumentException e) {
            throw SignatureRefused.invalid(MISMATCH);
        }
        var unsigned = SdkHttpRequest.builder()
                .method(method)
                .protocol(uri.getScheme() == null ? "http" : uri.getScheme())
                .host(uri.getHost())
                // As received: the signer encodes it once more for the canonical request, exactly as the SDK
                // did when it signed (the double encoding of non-S3 services).
                .encodedPath(uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath());
        if (uri.getPort() > 0) {
            unsigned.port(uri.getPort());
        }
        appendQuery(unsigned, uri.getQuery());
        // Only what the caller signed; a header it claims to have signed but did not send cannot match.
        for (String name : header.signedHeaders()) {
            List<String> values = request.getHeaders().getValuesList(name);
            if (values.isEmpty()) {
                throw SignatureRefused.invalid(MISMATCH);
            }
            unsigned.putHeader(name, values);
        }
        var signed = signer.sign(r -> r
                .identity(credentials)
                .request(unsigned.build())
                .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, SERVICE)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(signedAt, ZoneOffset.UTC)));
        SigV4Header ours = SigV4Header.parse(signed.request().firstMatchingHeader(HttpHeader.AUTHORIZATION.asString())
                .orElseThrow());
        if (!ours.signedHeadersValue().equals(header.signedHeadersValue())) {
            // The SDK's signer leaves out headers it never signs (user-agent, expect, …) and adds none.
            throw SignatureRefused.invalid(MISMATCH + " The signed headers should have been '"
                    + ours.signedHeadersValue() + "'.");
        }
        return ours.signature();
    }

    /** The signer takes decoded parameters and encodes them itself; '+' is a plus here, never a space. */
    private static void appendQuery(SdkHttpRequest.Builder request, String rawQuery) throws SignatureRefused {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = ManagementApi.percentDecode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : ManagementApi.percentDecode(pair.substring(equals + 1));
            if (name == null || value == null) {
                throw SignatureRefused.invalid(MISMATCH);
            }
            request.appendRawQueryParameter(name, value);
        }
    }
}
