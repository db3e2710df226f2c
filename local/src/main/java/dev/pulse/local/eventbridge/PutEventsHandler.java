package dev.pulse.local.eventbridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulse.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * EventBridge's wire protocol, AWS JSON 1.1: {@code POST /} with {@code X-Amz-Target: AWSEvents.PutEvents},
 * a JSON body, a JSON answer of type {@code application/x-amz-json-1.1}, and errors as
 * {@code {"__type":…,"message":…}} plus {@code x-amzn-ErrorType}, which is how the stock SDK recognises them.
 * Signatures are not checked: any credentials work locally.
 *
 * <p>A blocking handler on purpose: Jetty then runs it on a pool thread, never on a selector thread, so
 * parsing a large request or matching rules cannot stall other connections.
 */
final class PutEventsHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(PutEventsHandler.class);
    static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    static final String PUT_EVENTS = "AWSEvents.PutEvents";
    /** Far above what 256 KB of entries can take even fully JSON-escaped; guards memory only. */
    private static final int MAX_BODY_BYTES = 8 * 1024 * 1024;

    private final PutEventsOperation operation;

    PutEventsHandler(PutEventsOperation operation) {
        this.operation = operation;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        // The body is read before any answer, errors included. A response sent while request content is still
        // unread makes Jetty close the connection after it without saying "Connection: close"; a client that
        // pools connections (java.net.http, the SDK's) then sends its next request into a closed socket and
        // fails with "header parser received no bytes", more often the busier the machine.
        byte[] body;
        try (InputStream in = Content.Source.asInputStream(request)) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        } catch (IOException e) {
            writeError(response, callback, AwsError.serialization("Request body unreadable: " + e.getMessage()));
            return true;
        }
        if (body.length > MAX_BODY_BYTES) {
            // The rest stays unread, so this connection cannot carry another request: say so.
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
            writeError(response, callback, new AwsError(413, "RequestEntityTooLargeException",
                    "Request body over " + MAX_BODY_BYTES + " bytes"));
            return true;
        }
        String target = request.getHeaders().get("X-Amz-Target");
        if (!"POST".equals(request.getMethod()) || !PUT_EVENTS.equals(target)) {
            String operationName = target == null ? "(no X-Amz-Target)" : target;
            writeError(response, callback, new AwsError(400, "UnknownOperationException",
                    "The local EventBridge supports only PutEvents (POST / with X-Amz-Target: " + PUT_EVENTS
                            + "), not " + request.getMethod() + " " + operationName));
            return true;
        }
        respond(body, response, callback);
        return true;
    }

    private void respond(byte[] body, Response response, Callback callback) {
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            writeError(response, callback, AwsError.serialization("Request body is not JSON"));
            return;
        }
        try {
            write(response, callback, 200, operation.handle(json));
        } catch (AwsError e) {
            writeError(response, callback, e);
        } catch (RuntimeException e) {
            LOG.error("PutEvents failed", e);
            writeError(response, callback, new AwsError(500, "InternalException", e.toString()));
        }
    }

    private static void writeError(Response response, Callback callback, AwsError error) {
        ObjectNode body = Json.object();
        body.put("__type", error.type());
        body.put("message", error.getMessage());
        response.getHeaders().put("x-amzn-ErrorType", error.type());
        write(response, callback, error.status(), body);
    }

    private static void write(Response response, Callback callback, int status, ObjectNode body) {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
        response.getHeaders().put("x-amzn-RequestId", UUID.randomUUID().toString());
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }
}
