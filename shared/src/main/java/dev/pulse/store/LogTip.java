package dev.pulse.store;

import dev.pulse.model.Position;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A room's newest run item as last seen, live or expired: where its stream stands. An append continues from it (its
 * next run is keyed {@code last + 1} in the same ordinal) on the condition that no run holds that key yet.
 *
 * @param ordinal    the stream's ordinal (the run keys' first part; 0 for streams from before ordinals)
 * @param last       the run's last sequence: the last one given out in the stream
 * @param epoch      the stream's epoch
 * @param ttlSeconds when the run expires (epoch seconds): the newest run expires last, so this is when the stream does
 */
record LogTip(int ordinal, long last, String epoch, long ttlSeconds) {
    /** Reads a run item (or an item from before runs, holding one event). */
    static LogTip of(Map<String, AttributeValue> item) {
        String sortKey = item.get(EventLogTable.SORT_KEY).s();
        var count = item.get(EventLogTable.COUNT);
        var ttl = item.get(EventLogTable.TTL_ATTRIBUTE);
        return new LogTip(EventLogTable.ordinalOf(sortKey),
                EventLogTable.firstSeqOf(sortKey) + (count == null ? 1 : Long.parseLong(count.n())) - 1,
                item.get(EventLogTable.EPOCH).s(), ttl == null ? Long.MAX_VALUE : Long.parseLong(ttl.n()));
    }

    boolean liveAt(Instant now) {
        return ttlSeconds > now.getEpochSecond();
    }

    /** Live for longer than {@code margin} from {@code now}: a write sent now lands while the stream is still live. */
    boolean liveBeyond(Instant now, Duration margin) {
        return ttlSeconds > now.plus(margin).getEpochSecond();
    }

    Position position() {
        return new Position(last, epoch);
    }
}
