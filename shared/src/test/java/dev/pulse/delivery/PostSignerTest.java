package dev.pulse.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * The direct path's signatures are the AWS SDK's: the same request (path as sent, host, date, body), signed by the
 * SDK's own SigV4 signer, carries the same Authorization header, for connection ids with every character API Gateway
 * puts in them and with session credentials (a Lambda's).
 */
class PostSignerTest {
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    @ParameterizedTest
    @ValueSource(strings = {"R0oXAdfD0kwCH6w=", "a+b/c=d", "plain", "ünïcode"})
    void theSignatureIsTheSdkSignersForTheSameRequest(String connectionId) {
        for (AwsCredentialsIdentity credentials : new AwsCredentialsIdentity[] {
                AwsCredentialsIdentity.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
                AwsSessionCredentialsIdentity.create("ASIAEXAMPLE", "secret/with+chars", "session-token//=+")}) {
            String host = "abc123.execute-api.eu-west-1.amazonaws.com";
            String path = "/prod/@connections/" + DirectPostSender.encodeId(connectionId);
            byte[] body = "{\"type\":\"event\",\"text\":\"héllo\"}".getBytes(StandardCharsets.UTF_8);
            var ours = new PostSigner("eu-west-1", host, Clock.fixed(NOW, ZoneOffset.UTC)).sign(credentials, path, body);

            var unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.POST).protocol("https").host(host)
                    .encodedPath(path).build();
            var sdk = AwsV4HttpSigner.create().sign(r -> r
                    .identity(credentials)
                    .request(unsigned)
                    .payload(ContentStreamProvider.fromByteArray(body))
                    .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, "eu-west-1")
                    .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(NOW, ZoneOffset.UTC)));
            assertEquals(sdk.request().firstMatchingHeader("Authorization").orElseThrow(), ours.authorization(),
                    connectionId + " with " + credentials.getClass().getSimpleName());
            assertEquals(sdk.request().firstMatchingHeader("X-Amz-Date").orElseThrow(), ours.amzDate());
            assertEquals(sdk.request().firstMatchingHeader("x-amz-content-sha256").orElseThrow(), ours.contentSha256());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"R0oXAdfD0kwCH6w=", "a+b/c=d", "ünïcode"})
    void anIdIsEncodedAsOnePathSegmentAsTheSdkEncodesIt(String connectionId) {
        assertEquals(software.amazon.awssdk.utils.http.SdkHttpUtils.urlEncode(connectionId),
                DirectPostSender.encodeId(connectionId));
    }
}
