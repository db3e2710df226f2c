package dev.pulse.local;

import dev.pulse.presence.QueryEndpoint;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * {@code GET /rooms/members} and {@code GET /rooms/presence} on the gateway's port, as the deployed HTTP API serves them
 * (the same {@link QueryEndpoint} behind both). Mounted behind the gateway's IAM authorization, so only requests signed
 * with the local credentials get here, as only IAM principals allowed to invoke the routes get there.
 */
final class QueryHttp extends Handler.Abstract {
    private final Supplier<QueryEndpoint> endpoint;

    QueryHttp(Supplier<QueryEndpoint> endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        var query = new HashMap<String, String>();
        // Like API Gateway's single-value map: a repeated parameter keeps its last value.
        for (Fields.Field field : Request.extractQueryParameters(request, StandardCharsets.UTF_8)) {
            query.put(field.getName(), field.getValues().getLast());
        }
        var answer = endpoint.get().handle(request.getMethod(), Request.getPathInContext(request), query);
        response.setStatus(answer.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(answer.body().getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }
}
