package dev.pulse.functions;

import dev.pulse.support.log.LogContext;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.pulse.connection.TokenExpirySweeper;
import dev.pulse.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Scheduled (EventBridge, every minute): closes connections whose token lapsed without {@code auth.refresh}
 * while they sent nothing. The scheduled event's content is not needed.
 */
public final class TokenExpiryHandler implements RequestStreamHandler {
    private final TokenExpirySweeper sweeper;

    public TokenExpiryHandler() {
        this(Services.fromEnvironment());
    }

    public TokenExpiryHandler(Services services) {
        this.sweeper = services.tokenExpirySweeper();
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.readAllBytes();
        try (var log = LogContext.open("token-expiry", null, Invocations.id(context))) {
            Json.MAPPER.writeValue(output, Json.object().put("closed", sweeper.sweep()));
        }
    }
}
