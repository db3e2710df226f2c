package dev.pulse.local.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Extra HTTP handlers share the port with the WebSocket endpoint and the management API. */
class HttpHandlerTest {
    private final GatewayFixture fixture = new GatewayFixture();

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    @Test
    void extraHandlersServeTheirPrefixAlongsideWebSockets() throws Exception {
        Handler echoPath = new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                Content.Sink.write(response, true, "served " + Request.getPathInContext(request), callback);
                return true;
            }
        };
        var connect = new Recorder();
        var gateway = fixture.start(WebSocketGateway.builder().route("$connect", connect).httpHandler("/demo", echoPath));

        assertEquals("served /demo/index.html", get(gateway, "/demo/index.html").body());
        assertEquals("served /demo", get(gateway, "/demo").body());
        assertEquals(404, get(gateway, "/demonstration").statusCode());
        assertEquals(404, get(gateway, "/elsewhere").statusCode());
        fixture.connect(gateway);
        connect.next();
    }

    /**
     * A query value with a literal '+' means a space, as Jetty's parameter parsing and the AWS SDK's signer (which
     * decodes the query before it canonicalises it) both read it; an encoded '%2B' is a plus. Before, the verifier took
     * the literal '+' for a plus and refused the SDK's signature.
     */
    @Test
    void signedQueriesWithPlusSignsAreVerifiedAsTheSdkSignsThem() throws Exception {
        Handler echoQuery = new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                var values = Request.extractQueryParameters(request, java.nio.charset.StandardCharsets.UTF_8);
                Content.Sink.write(response, true, values.getValue("a") + "|" + values.getValue("b"), callback);
                return true;
            }
        };
        var gateway = fixture.start(WebSocketGateway.builder().iamHttpHandler("/q", echoQuery));
        var uri = URI.create("http://localhost:" + gateway.port() + "/q?b=x%2By&a=one+two");

        var signed = fixture.http.send(SignedRequests.signed("GET", uri, new byte[0], GatewayFixture.CREDENTIALS,
                gateway.region(), java.time.Clock.systemUTC()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, signed.statusCode(), signed.body());
        assertEquals("one two|x+y", signed.body());

        var tampered = URI.create("http://localhost:" + gateway.port() + "/q?b=x%2By&a=one%2Btwo");
        var request = SignedRequests.signed("GET", uri, new byte[0], GatewayFixture.CREDENTIALS, gateway.region(),
                java.time.Clock.systemUTC()).uri(tampered).build();
        assertEquals(403, fixture.http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void aTakenPortFailsStartWithAClearError() {
        var first = fixture.start(WebSocketGateway.builder());
        var clash = WebSocketGateway.builder().port(first.port()).build();
        var failure = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, clash::start);
        org.junit.jupiter.api.Assertions.assertTrue(failure.getMessage().contains(Integer.toString(first.port())));
    }

    private HttpResponse<String> get(WebSocketGateway gateway, String path) throws Exception {
        return fixture.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + gateway.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
