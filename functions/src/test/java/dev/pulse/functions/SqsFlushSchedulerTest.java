package dev.pulse.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pulse.model.Room;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What a presence window's SQS message says and how long SQS holds it (whole seconds, rounded up, at most 900). */
class SqsFlushSchedulerTest {
    @Test
    void theDelayIsTheWindowRoundedUpToWholeSecondsWithinSqsLimits() {
        assertEquals(2, SqsFlushScheduler.delaySeconds(Duration.ofMillis(1500)), "never earlier than the window");
        assertEquals(1, SqsFlushScheduler.delaySeconds(Duration.ofMillis(1000)));
        assertEquals(1, SqsFlushScheduler.delaySeconds(Duration.ofMillis(1)));
        assertEquals(0, SqsFlushScheduler.delaySeconds(Duration.ZERO));
        assertEquals(900, SqsFlushScheduler.delaySeconds(Duration.ofHours(1)), "SQS's maximum DelaySeconds");
    }

    @Test
    void theMessageNamesTheRoomAndReadsBackAsIt() throws Exception {
        var room = new Room("w-1", "chat:42");
        String body = SqsFlushScheduler.body(room);
        assertEquals("{\"workspaceId\":\"w-1\",\"room\":\"chat:42\"}", body);
        assertEquals(room, SqsFlushScheduler.room(body));
    }
}
