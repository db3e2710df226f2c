package dev.pulse.local;

import dev.pulse.sync.PollingEndpoint;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.CrossOriginHandler;
import org.eclipse.jetty.util.Callback;

/**
 * {@code POST /sync} on the gateway's port: the HTTP polling fallback, as the deployed HTTP API serves it
 * (the same {@link PollingEndpoint} behind both), with the same CORS ({@link #withCors}).
 */
final class PollingHttp extends Handler.Abstract {
    private final Supplier<PollingEndpoint> endpoint;
    private final Runnable invocationEnd;

    /** @param invocationEnd run after each request, as when a Lambda invocation ends (the metrics' flush) */
    PollingHttp(Supplier<PollingEndpoint> endpoint, Runnable invocationEnd) {
        this.endpoint = endpoint;
        this.invocationEnd = invocationEnd;
    }

    /**
     * The deployed sync API's CORS (PulseRealtime's corsPreflight): the origins of PULSE_ALLOWED_ORIGINS, any when
     * none is set; methods POST and OPTIONS; headers authorization and content-type; preflights cached for an hour.
     * Jetty's CrossOriginHandler adds the headers; a preflight is answered 204 here, as by API Gateway. A
     * request from an origin not allowed gets its answer without CORS headers, so the browser withholds it.
     */
    static Handler withCors(PollingHttp polling, List<String> allowedOrigins) {
        var cors = new CrossOriginHandler();
        // Jetty takes regular expressions; origins are literal ("https://app.example" has a dot), '*' is any.
        cors.setAllowedOriginPatterns(allowedOrigins.isEmpty() ? Set.of("*")
                : allowedOrigins.stream().map(Pattern::quote).collect(Collectors.toSet()));
        cors.setAllowedMethods(Set.of("POST", "OPTIONS"));
        cors.setAllowedHeaders(Set.of("authorization", "content-type"));
        cors.setPreflightMaxAge(Duration.ofHours(1));
        cors.setDeliverPreflightRequests(true);
        cors.setHandler(polling);
        return cors;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!"/sync".equals(Request.getPathInContext(request))) {
            return false;
        }
        // Read before any answer: an answer with request content left unread makes Jetty drop the connection
        // behind a pooling client's back (see PutEventsHandler).
        String body = Content.Source.asString(request, StandardCharsets.UTF_8);
        if ("OPTIONS".equals(request.getMethod())) {
            response.setStatus(HttpStatus.NO_CONTENT_204);
            callback.succeeded();
            return true;
        }
        PollingEndpoint.Answer answer;
        if (!"POST".equals(request.getMethod())) {
            response.getHeaders().put(HttpHeader.ALLOW, "OPTIONS, POST");
            answer = new PollingEndpoint.Answer(405, "{\"error\":{\"code\":\"invalid_frame\",\"message\":\"POST the sync query\"}}");
        } else {
            try {
                answer = endpoint.get().handle(request.getHeaders().get(HttpHeader.AUTHORIZATION), body);
            } finally {
                invocationEnd.run();
            }
        }
        response.setStatus(answer.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(answer.body().getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }
}
