package dev.pulse.local.gateway;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Clock;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Hand-made {@code @connections} calls for java.net.http, signed by the AWS SDK's own SigV4 signer exactly as a
 * non-SDK client (awscurl, a Lambda in another language) would sign them.
 */
public final class SignedRequests {
    private SignedRequests() {
    }

    /** Signs {@code body} for {@code execute-api} in {@code region}, at the clock's time. */
    public static HttpRequest.Builder signed(String method, URI uri, byte[] body, AwsCredentialsIdentity credentials,
                                      String region, Clock clock) {
        var unsigned = SdkHttpRequest.builder()
                .method(SdkHttpMethod.fromValue(method))
                .uri(uri)
                .encodedPath(uri.getRawPath())
                .build();
        var signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(credentials)
                .request(unsigned)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(HttpSigner.SIGNING_CLOCK, clock));
        var request = HttpRequest.newBuilder(uri).method(method, body.length == 0 && !"POST".equals(method)
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        // java.net.http writes Host itself, with the same value the signer signed (host:port).
        signed.request().forEachHeader((name, values) -> {
            if (!name.equalsIgnoreCase("Host")) {
                values.forEach(value -> request.header(name, value));
            }
        });
        return request;
    }
}
