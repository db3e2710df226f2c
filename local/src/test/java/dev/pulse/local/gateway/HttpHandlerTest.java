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
