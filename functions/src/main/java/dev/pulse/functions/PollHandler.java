package dev.pulse.functions;

import dev.pulse.support.log.LogContext;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.pulse.sync.PollingEndpoint;
import java.nio.charset.StandardCharsets;
import dev.pulse.support.metrics.Metrics;
import java.util.Base64;
import java.util.Map;

/** {@code POST /sync} of the polling HTTP API (API Gateway HTTP API, payload format 2.0). */
public final class PollHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final PollingEndpoint endpoint;
    private final Metrics metrics;

    public PollHandler() {
        this(Services.fromEnvironment());
    }

    public PollHandler(Services services) {
        this.endpoint = services.pollingEndpoint().orElseThrow(() -> new IllegalStateException(
                "the polling endpoint verifies tokens: set PULSE_JWT_SECRET or PULSE_JWT_JWKS_URL"));
        this.metrics = services.metrics();
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        String requestId = event.getRequestContext() == null ? null : event.getRequestContext().getRequestId();
        try (var log = LogContext.open("poll", requestId, Invocations.id(context))) {
            return poll(event);
        } finally {
            metrics.flush();
        }
    }

    private APIGatewayV2HTTPResponse poll(APIGatewayV2HTTPEvent event) {
        // HTTP APIs lower-case header names in payload format 2.0.
        String authorization = event.getHeaders() == null ? null : event.getHeaders().get("authorization");
        String body = event.getBody();
        if (body != null && event.getIsBase64Encoded()) {
            body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
        }
        var answer = endpoint.handle(authorization, body);
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(answer.status())
                .withHeaders(Map.of("content-type", "application/json"))
                .withBody(answer.body())
                .build();
    }
}
