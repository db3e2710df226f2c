package dev.pulse.local.gateway;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import java.util.Map;

/**
 * The REQUEST authorizer of the emulated {@code $connect} route: the local stand-in for a Lambda authorizer. It answers
 * what a Lambda authorizer answers (a principal, a policy document and a context), or throws: an exception whose message
 * is exactly {@code Unauthorized} refuses with 401, any other with 500, as API Gateway does.
 */
@FunctionalInterface
public interface ConnectAuthorizer {
    Map<String, Object> authorize(APIGatewayCustomAuthorizerEvent event) throws Exception;
}
