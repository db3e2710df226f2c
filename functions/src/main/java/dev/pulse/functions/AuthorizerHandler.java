package dev.pulse.functions;

import dev.pulse.support.metrics.Metrics;
import dev.pulse.support.metrics.Metric;
import dev.pulse.support.log.LogContext;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import dev.pulse.auth.AuthorizerContext;
import dev.pulse.connection.ConnectionLifecycle;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The REQUEST authorizer of {@code $connect} (the construct's {@code connectAuthorizer}): checks the origin and the token
 * as {@code $connect} would, and hands API Gateway the identity, which it passes to every route of the connection.
 *
 * <p>API Gateway, not Pulse, then answers a refusal: a thrown {@code Unauthorized} becomes {@code 401}, a {@code Deny}
 * policy {@code 403}, any other failure (the introspection endpoint down: Pulse's {@code 503}) {@code 500}. The reason
 * is in this function's log.
 */
public final class AuthorizerHandler implements RequestHandler<APIGatewayCustomAuthorizerEvent, Map<String, Object>> {
    /** The exact message API Gateway maps to 401. */
    static final String UNAUTHORIZED = "Unauthorized";

    private final ConnectionLifecycle lifecycle;
    private final Clock clock;
    private final Metrics metrics;

    public AuthorizerHandler() {
        this(Services.fromEnvironment());
    }

    public AuthorizerHandler(Services services) {
        if (!services.authenticates()) {
            throw new IllegalStateException("the authorizer needs PULSE_JWT_SECRET, PULSE_JWT_JWKS_URL or "
                    + "PULSE_AUTH_INTROSPECTION_URL");
        }
        this.lifecycle = services.lifecycle();
        this.clock = Clock.systemUTC();
        this.metrics = services.metrics();
    }

    @Override
    public Map<String, Object> handleRequest(APIGatewayCustomAuthorizerEvent event, Context context) {
        var request = event.getRequestContext();
        try (var log = LogContext.open("authorizer", request == null ? null : request.getRequestId(),
                Invocations.id(context))) {
            return authorize(event, context);
        } finally {
            metrics.flush();
        }
    }

    private Map<String, Object> authorize(APIGatewayCustomAuthorizerEvent event, Context context) {
        var outcome = lifecycle.authenticate(context == null ? null : context.getAwsRequestId(),
                event.getQueryStringParameters(), event.getHeaders());
        // Behind the authorizer, refused upgrades never reach $connect: they are counted here.
        if (!outcome.isAccepted()) {
            metrics.count(Metric.CONNECTS_REFUSED, "Reason", outcome.reason());
        }
        if (outcome.isAccepted()) {
            return policy(outcome.identity().userId(), "Allow", event.getMethodArn(),
                    AuthorizerContext.of(outcome.identity(), clock.instant()));
        }
        return switch (outcome.status()) {
            case 401 -> throw new RefusedException(UNAUTHORIZED);
            case 403 -> policy("refused", "Deny", event.getMethodArn(), Map.of("reason", outcome.reason()));
            default -> throw new RefusedException("authorization unavailable: " + outcome.reason());
        };
    }

    private static Map<String, Object> policy(String principal, String effect, String methodArn, Map<String, String> context) {
        var statement = Map.of("Action", "execute-api:Invoke", "Effect", effect, "Resource", methodArn);
        return Map.of("principalId", principal,
                "policyDocument", Map.of("Version", "2012-10-17", "Statement", List.of(statement)),
                "context", context);
    }

    /** Lambda reports a thrown exception's message to API Gateway as the function's error. */
    static final class RefusedException extends RuntimeException {
        RefusedException(String message) {
            super(message, null, false, false);
        }
    }
}
