package dev.pulse.delivery;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;

/** Posts frames through API Gateway's {@code @connections} API (PostToConnection), and closes connections (DELETE). */
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
        } catch (SdkException e) {
            LOG.warn("post to {} failed: {}", connectionId, e.getMessage());
            return SendResult.FAILED;
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
