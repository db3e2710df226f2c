package dev.pulse.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.pulse.model.Room;
import dev.pulse.presence.PresenceFlusher;
import dev.pulse.protocol.Json;
import dev.pulse.support.log.LogContext;
import dev.pulse.support.metrics.Metrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.ArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SQS (the presence flush queue, each message delayed by one window): flushes the messages' presence rooms, each room
 * once per batch. Answers SQS's partial batch response, so only the messages of rooms whose flush failed come back
 * (and reach the dead-letter queue, alarmed, after the queue's receive limit).
 */
public final class PresenceFlushHandler implements RequestStreamHandler {
    private static final Logger LOG = LoggerFactory.getLogger(PresenceFlushHandler.class);

    private final PresenceFlusher flusher;
    private final Metrics metrics;

    public PresenceFlushHandler() {
        this(Services.fromEnvironment());
    }

    public PresenceFlushHandler(Services services) {
        this.flusher = services.presenceFlusher();
        this.metrics = services.metrics();
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        var event = Json.MAPPER.readTree(input);
        var byRoom = new LinkedHashMap<Room, List<String>>();
        var failed = new ArrayList<String>();
        for (var record : event.path("Records")) {
            String messageId = record.path("messageId").asText();
            try {
                byRoom.computeIfAbsent(SqsFlushScheduler.room(record.path("body").asText()), r -> new ArrayList<>())
                        .add(messageId);
            } catch (IOException | RuntimeException e) {
                // Not a flush message (never sent by us): retrying cannot help, so it is dropped with a log line.
                LOG.error("presence flush message {} is not a room: {}", messageId, e.toString());
            }
        }
        try (var log = LogContext.open("presence-flush", null, Invocations.id(context))) {
            byRoom.forEach((room, messageIds) -> {
                try {
                    var diff = flusher.flush(room);
                    LOG.atInfo().addKeyValue("room", room.name()).addKeyValue("users", diff.size()).log("presence flushed");
                } catch (RuntimeException e) {
                    LOG.error("presence flush of {} failed", room.name(), e);
                    failed.addAll(messageIds);
                }
            });
        } finally {
            metrics.flush();
        }
        var response = Json.object();
        var failures = response.putArray("batchItemFailures");
        failed.forEach(id -> failures.addObject().put("itemIdentifier", id));
        Json.MAPPER.writeValue(output, response);
    }
}
