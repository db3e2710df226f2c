package dev.pulse.delivery;

import dev.pulse.model.Position;
import java.util.List;

/**
 * What one fan-out did, for logs and benchmarks.
 *
 * @param eventId    the event
 * @param rooms      target rooms resolved
 * @param pages      membership Query pages read (the only DynamoDB reads on the hot path)
 * @param recipients distinct connections addressed (after de-duplication across rooms and {@code except})
 * @param delivered  posts answered 200
 * @param gone       posts answered 410; those connections were pruned
 * @param failed     posts that failed otherwise
 * @param readMillis time spent waiting for membership pages
 * @param totalMillis the whole fan-out, pruning included
 * @param positions  the event's position in each target room, in target order; empty when it was not logged
 */
public record DeliveryReport(String eventId, int rooms, int pages, int recipients, int delivered, int gone, int failed,
                             long readMillis, long totalMillis, List<Position> positions) {
    public DeliveryReport {
        positions = List.copyOf(positions);
    }
}
