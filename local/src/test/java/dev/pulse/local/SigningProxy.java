package dev.pulse.local;

import dev.pulse.local.gateway.SignedRequests;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Clock;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A SigV4 signing proxy in front of the emulated {@code @connections} API, like AWS's aws-sigv4-proxy: test clients
 * that cannot sign (the Node and browser tests in {@code clients/web}) call it unsigned, and it forwards each call
 * signed with the local runtime's credentials. Whatever Authorization they send is dropped.
 */
final class SigningProxy implements AutoCloseable {
    private final Server server = new Server();
    private final ServerConnector connector;
    private final HttpClient http = HttpClient.newHttpClient();
    private final LocalSystem system;

    private SigningProxy(LocalSystem system) {
        this.system = system;
        var http = new HttpConfiguration();
        // Connection ids contain '/', sent as %2F: forwarded as they came, like the gateway takes them.
        http.setUriCompliance(UriCompliance.DEFAULT.with("api-gateway-connection-ids",
                UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR, UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING));
        connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                forward(request, response, callback);
                return true;
            }
        });
    }

    static SigningProxy start(LocalSystem system) throws Exception {
        var proxy = new SigningProxy(system);
        proxy.server.start();
        return proxy;
    }

    /** Stands in for {@link LocalSystem#managementEndpoint()}: the same path, on the proxy's port. */
    URI managementEndpoint() {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort() + system.managementEndpoint().getRawPath());
    }

    private void forward(Request request, Response response, Callback callback) throws Exception {
        byte[] body = Content.Source.asInputStream(request).readAllBytes();
        URI management = system.managementEndpoint();
        URI target = URI.create("http://" + management.getHost() + ":" + management.getPort()
                + request.getHttpURI().getPathQuery());
        var signed = SignedRequests.signed(request.getMethod(), target, body,
                LocalSystem.LOCAL_CREDENTIALS.resolveCredentials(), system.gateway().region(), Clock.systemUTC());
        HttpResponse<byte[]> answer = http.send(signed.build(), HttpResponse.BodyHandlers.ofByteArray());
        response.setStatus(answer.statusCode());
        for (String name : new String[] {"Content-Type", "x-amzn-ErrorType"}) {
            answer.headers().firstValue(name).ifPresent(value -> response.getHeaders().put(name, value));
        }
        response.write(true, ByteBuffer.wrap(answer.body()), callback);
    }

    @Override
    public void close() throws Exception {
        server.stop();
        http.close();
    }
}
