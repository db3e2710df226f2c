package dev.pulse.local.gateway;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * An HTTP route with API Gateway's IAM authorization ({@code AWS_IAM}): only a request SigV4-signed for
 * {@code execute-api} with the local credentials reaches the wrapped handler; any other is answered 403 with
 * {@code x-amzn-ErrorType} and {@code {"message": …}}, as API Gateway answers. The routes wrapped here take no body
 * (they are GETs): the signature is checked over an empty one, and a request with a body is refused as mis-signed.
 */
final class IamAuthorizedHandler extends Handler.Wrapper {
    private final SigV4Verifier signatures;

    IamAuthorizedHandler(SigV4Verifier signatures, Handler handler) {
        super(handler);
        this.signatures = signatures;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        // Read before any answer: answering with request content left unread makes Jetty drop the connection.
        byte[] body = Content.Source.asByteBuffer(request).array();
        try {
            signatures.verify(request, body);
        } catch (SignatureRefused refused) {
            response.setStatus(403);
            response.getHeaders().put("x-amzn-ErrorType", refused.errorType());
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            String json = "{\"message\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(refused.getMessage()) + "}";
            response.write(true, ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)), callback);
            return true;
        }
        return super.handle(request, response, callback);
    }
}
