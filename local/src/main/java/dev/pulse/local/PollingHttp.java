package dev.pulse.local;

import dev.pulse.sync.PollingEndpoint;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code POST /sync} on the gateway's port: the HTTP polling fallback, as the deployed HTTP API serves it
 * (the same {@link PollingEndpoint} behind both).
 */
final class PollingHttp extends Handler.Abstract {
    private final Supplier<PollingEndpoint> endpoint;

    PollingHttp(Supplier<PollingEndpoint> endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!"/sync".equals(Request.getPathInContext(request))) {
            return false;
        }
        PollingEndpoint.Answer answer;
        if (!"POST".equals(request.getMethod())) {
            answer = new PollingEndpoint.Answer(405, "{\"error\":{\"code\":\"invalid_frame\",\"message\":\"POST the sync query\"}}");
        } else {
            answer = endpoint.get().handle(request.getHeaders().get(HttpHeader.AUTHORIZATION),
                    Content.Source.asString(request, StandardCharsets.UTF_8));
        }
        response.setStatus(answer.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(answer.body().getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }
}
