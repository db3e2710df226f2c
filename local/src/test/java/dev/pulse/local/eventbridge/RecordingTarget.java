package dev.pulse.local.eventbridge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.protocol.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A target that keeps what it receives. */
final class RecordingTarget implements EventTarget {
    private final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();

    @Override
    public void invoke(String eventJson) {
        received.add(eventJson);
    }

    /** The next event, parsed; fails the test if none arrives in time. */
    JsonNode next(Duration timeout) throws Exception {
        String json = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (json == null) {
            throw new AssertionError("no event delivered within " + timeout);
        }
        return Json.MAPPER.readTree(json);
    }

    /** Everything received so far, as raw JSON. */
    List<String> drain() {
        List<String> all = new ArrayList<>();
        received.drainTo(all);
        return all;
    }
}
