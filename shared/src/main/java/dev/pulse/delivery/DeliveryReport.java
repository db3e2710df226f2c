package dev.pulse.delivery;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.pulse.model.ClosedConnection;
import dev.pulse.model.Position;
import java.util.List;

/**
 * What one delivery did, for logs, benchmarks and the caller's follow-up.
 *
 * @param eventId    the event
 * @param rooms      target rooms resolved
 * @param pages      membership Query pages read (the only DynamoDB reads on the hot path)
 * @param recipients distinct connections addressed (after de-duplication across rooms and {@code except})
 * @param delivered  posts answered 200
 * @param gone       posts answered 410; those connections were pruned (unless still inside {@code $connect})
 * @param failed     posts that failed otherwise
 * @param readMillis time spent waiting for membership pages
 * @param totalMillis the whole delivery, logging and pruning included
 * @param positions  the event's position in each target room, in target order; empty when it was not logged
 * @param pruned     the connections pruned after a 410, with the rooms they were in: the caller hands them to
 *                   presence once the delivery is over (not part of the function's JSON output)
 * @param skipped    why nothing was posted for a repeated published event ({@code delivered before}, {@code first
 *                   delivery in flight}); null when it was delivered
 */
public record DeliveryReport(String eventId, int rooms, int pages, int recipients, int delivered, int gone, int failed,
                             long readMillis, long totalMillis, List<Position> positions,
                             @JsonIgnore List<ClosedConnection> pruned, String skipped) {
    public DeliveryReport {
        positions = List.copyOf(positions);
        pruned = List.copyOf(pruned);
    }
}
