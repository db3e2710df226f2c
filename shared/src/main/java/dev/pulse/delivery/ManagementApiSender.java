package dev.pulse.delivery;

import dev.pulse.support.log.LogField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.LimitExceededException;

/**
 * Posts frames through API Gateway's {@code @connections} API with the SDK's {@code postToConnection}, and closes
 * connections (DELETE). The functions post with the leaner {@link DirectPostSender} and close with this; the SDK
 * path stays as the reference the post benchmark measures against.
 */
public final class ManagementApiSender implements ConnectionSender, ConnectionCloser {
    private static final Logger LOG = LoggerFactory.getLogger(ManagementApiSender.class);

    private final ApiGatewayManagementApiClient client;

    public ManagementApiSender(ApiGatewayManagementApiClient client) {
        this.client = client;
    }

    @Override
    public SendResult send(String connectionId, String frame) {
        try {
            client.postToConnection(b -> b.connectionId(connectionId).data(SdkBytes.fromUtf8String(frame)));
            return SendResult.DELIVERED;
        } catch (GoneException gone) {
            return SendResult.GONE;
        } catch (SdkServiceException e) {
            LOG.atWarn().addKeyValue(LogField.OUTCOME, "failed").log("post to {} failed: {}", connectionId, e.getMessage());
            return e instanceof LimitExceededException || e.isThrottlingException() || e.statusCode() >= 500
                    ? SendResult.RETRYABLE : SendResult.FAILED;
        } catch (SdkException e) {
            // No answer (I/O error, timeout): the same post may go through later.
            LOG.atWarn().addKeyValue(LogField.OUTCOME, "failed").log("post to {} failed: {}", connectionId, e.getMessage());
            return SendResult.RETRYABLE;
        }
    }

    @Override
    public void close(String connectionId) {
        try {
            client.deleteConnection(b -> b.connectionId(connectionId));
        } catch (GoneException alreadyGone) {
            // Nothing to close.
        }
    }
}
