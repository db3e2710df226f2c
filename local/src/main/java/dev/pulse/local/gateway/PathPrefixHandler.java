package dev.pulse.local.gateway;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Hands requests under a path prefix to a caller's handler, which sees the full, unchanged path. */
final class PathPrefixHandler extends Handler.Wrapper {
    private final String prefix;

    PathPrefixHandler(String prefix, Handler handler) {
        super(handler);
        this.prefix = prefix;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        boolean matches = path.startsWith(prefix)
                && (prefix.endsWith("/") || path.length() == prefix.length() || path.charAt(prefix.length()) == '/');
        return matches && super.handle(request, response, callback);
    }
}
