package dev.pulse.functions;

import dev.pulse.support.log.LogContext;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.pulse.presence.QueryEndpoint;
import java.util.Map;

/**
 * {@code GET /rooms/members} and {@code GET /rooms/presence} of the HTTP API (payload format 2.0), behind API Gateway's
 * IAM authorization: the caller's SigV4 signature and IAM policy were checked before this runs.
 */
public final class QueryHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final QueryEndpoint endpoint;

    public QueryHandler() {
        this(Services.fromEnvironment());
    }

    public QueryHandler(Services services) {
        this.endpoint = services.queryEndpoint();
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        String requestId = event.getRequestContext() == null ? null : event.getRequestContext().getRequestId();
        try (var log = LogContext.open("query", requestId, Invocations.id(context))) {
            return query(event);
        }
    }

    private APIGatewayV2HTTPResponse query(APIGatewayV2HTTPEvent event) {
        var http = event.getRequestContext() == null ? null : event.getRequestContext().getHttp();
        var answer = endpoint.handle(http == null ? null : http.getMethod(), event.getRawPath(),
                event.getQueryStringParameters());
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(answer.status())
                .withHeaders(Map.of("content-type", "application/json"))
                .withBody(answer.body())
                .build();
    }
}
