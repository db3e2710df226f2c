package dev.pulse.local;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** What a browser sends to {@code /sync} from a page of another origin: the preflight, then the POST. */
final class CorsRequests {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private CorsRequests() {
    }

    static URI sync(LocalSystem system) {
        var ws = system.webSocketUri();
        return URI.create("http://" + ws.getHost() + ":" + ws.getPort() + "/sync");
    }

    /** The preflight a browser sends before a POST with Authorization and a JSON body. */
    static HttpResponse<String> preflight(LocalSystem system, String origin) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(sync(system)).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The POST itself, here without a token: the 401 must be readable by the page too. */
    static HttpResponse<String> post(LocalSystem system, String origin) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(sync(system)).POST(HttpRequest.BodyPublishers.ofString("{}"))
                .header("Origin", origin).header("Content-Type", "application/json")
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
