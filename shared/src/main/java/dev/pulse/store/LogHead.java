package dev.pulse.store;

import dev.pulse.model.Position;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A room's {@code #head} item as last seen, live or expired: what an append's condition compares against, so it is
 * kept exactly as read (an expired head that DynamoDB has not deleted yet is still the item a new epoch replaces).
 *
 * @param last       the last sequence given out
 * @param epoch      the stream's epoch
 * @param ttlSeconds when it expires (epoch seconds)
 */
record LogHead(long last, String epoch, long ttlSeconds) {
    static LogHead of(Map<String, AttributeValue> item) {
        var ttl = item.get(EventLogTable.TTL_ATTRIBUTE);
        return new LogHead(Long.parseLong(item.get(EventLogTable.LAST).n()), item.get(EventLogTable.EPOCH).s(),
                ttl == null ? Long.MAX_VALUE : Long.parseLong(ttl.n()));
    }

    boolean liveAt(Instant now) {
        return ttlSeconds > now.getEpochSecond();
    }

    Position position() {
        return new Position(last, epoch);
    }
}
