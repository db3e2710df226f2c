package dev.pulse.store;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The heads this process last wrote or saw, by room key, so an append needs no read first: it writes against the cached
 * head under the condition that the head is still exactly that, and only a failed condition (another process appended,
 * or the head expired) teaches it the real one, which DynamoDB returns with the failure. A stale entry therefore costs
 * one failed write, never a wrong sequence. Bounded (least recently used rooms are forgotten and read again).
 */
final class LogHeads {
    /** Known to have no head item at all. */
    private static final Optional<LogHead> ABSENT = Optional.empty();

    private final Map<String, Optional<LogHead>> heads;

    LogHeads(int capacity) {
        this.heads = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Optional<LogHead>> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The cached head (empty inside: known absent), or null when this process does not know the room. */
    synchronized Optional<LogHead> get(String roomKey) {
        return heads.get(roomKey);
    }

    synchronized void put(String roomKey, LogHead head) {
        heads.put(roomKey, head == null ? ABSENT : Optional.of(head));
    }

    synchronized void forget(String roomKey) {
        heads.remove(roomKey);
    }
}
