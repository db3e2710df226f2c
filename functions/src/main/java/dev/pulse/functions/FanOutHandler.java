package dev.pulse.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.pulse.delivery.DeliveryReport;
import dev.pulse.delivery.FanOut;
import dev.pulse.protocol.Json;
import dev.pulse.publish.EnvelopeCodec;
import dev.pulse.publish.InvalidEnvelopeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * EventBridge target: the event arrives as EventBridge delivers it ({@code detail-type}, {@code detail}, …).
 * A stream handler, so the envelope is read with the core's own JSON mapping and nothing else.
 */
public final class FanOutHandler implements RequestStreamHandler {
    private static final Logger LOG = LoggerFactory.getLogger(FanOutHandler.class);

    private final FanOut fanOut;

    public FanOutHandler() {
        this(Services.fromEnvironment());
    }

    public FanOutHandler(Services services) {
        this.fanOut = services.fanOut();
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        var event = Json.MAPPER.readTree(input);
        DeliveryReport report;
        try {
            report = fanOut.deliver(EnvelopeCodec.fromEventBridgeEvent(event));
        } catch (InvalidEnvelopeException e) {
            // Retrying cannot make it valid: log it with what identifies it and return normally.
            LOG.error("invalid envelope dropped id={} detail-type={} source={}: {}",
                    event.path("id").asText(), event.path("detail-type").asText(), event.path("source").asText(), e.getMessage());
            Json.MAPPER.writeValue(output, Json.object().put("error", e.getMessage()));
            return;
        }
        Json.MAPPER.writeValue(output, report);
    }
}
