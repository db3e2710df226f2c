package dev.pulse.functions;

import dev.pulse.model.Room;
import dev.pulse.presence.FlushScheduler;
import dev.pulse.protocol.Json;
import java.time.Duration;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Schedules a presence window's flush on AWS: one SQS message, delayed by the window, to the flush function
 * ({@link PresenceFlushHandler}). Why SQS: DelaySeconds is the AWS-native delay with no scheduler to run or pay for, a
 * failed flush is redelivered (and dead-lettered after a few tries, alarmed), and the message costs one request; an
 * EventBridge Scheduler one-off schedule per window would cost a create and a delete and has minute-level precision.
 * SQS counts delays in whole seconds, so the window is rounded up to the next second.
 */
final class SqsFlushScheduler implements FlushScheduler {
    /** SQS's maximum DelaySeconds. */
    static final int MAX_DELAY_SECONDS = 900;

    private final SqsClient sqs;
    private final String queueUrl;

    SqsFlushScheduler(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void schedule(Room room, Duration after) {
        sqs.sendMessage(m -> m.queueUrl(queueUrl)
                .messageBody(body(room))
                .delaySeconds(delaySeconds(after)));
    }

    static int delaySeconds(Duration after) {
        long millis = Math.max(0, after.toMillis());
        return (int) Math.min(MAX_DELAY_SECONDS, (millis + 999) / 1000);
    }

    /** The message: {@code {"workspaceId": …, "room": …}}. */
    static String body(Room room) {
        return Json.object().put("workspaceId", room.workspaceId()).put("room", room.name()).toString();
    }

    static Room room(String body) throws java.io.IOException {
        var json = Json.MAPPER.readTree(body);
        return new Room(json.path("workspaceId").asText(), json.path("room").asText());
    }
}
