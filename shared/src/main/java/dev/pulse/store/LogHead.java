package dev.pulse.store;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A room's {@code #head} item as read, live or expired. It is written only where streams could otherwise fork: when
 * a stream starts and when one is continued close to its end ({@link LogAppender}); its version makes those writes
 * take turns.
 *
 * @param exists  whether the item exists
 * @param version its version, or null for a head written before versions (or none)
 * @param ordinal the ordinal of the stream it last started (0 if none or unknown)
 */
record LogHead(boolean exists, Long version, int ordinal) {
    static final LogHead ABSENT = new LogHead(false, null, 0);

    static LogHead of(Map<String, AttributeValue> item) {
        if (item == null || item.isEmpty()) {
            return ABSENT;
        }
        var version = item.get(EventLogTable.VERSION);
        var ordinal = item.get(EventLogTable.ORDINAL);
        return new LogHead(true, version == null ? null : Long.parseLong(version.n()),
                ordinal == null ? 0 : Integer.parseInt(ordinal.n()));
    }

    /** The version the next write of the head sets. */
    long nextVersion() {
        return version == null ? 1 : version + 1;
    }
}
