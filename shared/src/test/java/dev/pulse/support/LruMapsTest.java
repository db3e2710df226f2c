package dev.pulse.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LruMapsTest {
    @Test
    void holdsAtMostItsCapacityAndDropsTheLeastRecentlyUsed() {
        Map<String, Integer> map = LruMaps.bounded(2);
        map.put("a", 1);
        map.put("b", 2);
        map.get("a");
        map.put("c", 3);
        assertEquals(Map.of("a", 1, "c", 3), Map.copyOf(map), "b was the least recently used");
        assertThrows(IllegalArgumentException.class, () -> LruMaps.bounded(0));
    }
}
