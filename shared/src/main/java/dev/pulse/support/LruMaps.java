package dev.pulse.support;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Small per-process memories: bounded, least recently used dropped first, safe to share between threads. */
public final class LruMaps {
    private LruMaps() {
    }

    /** A synchronized map holding at most {@code capacity} entries; the least recently used one goes first. */
    public static <K, V> Map<K, V> bounded(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        return Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        });
    }
}
