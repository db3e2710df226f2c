package dev.pulse.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The net difference per user, and its split into frames. */
class PresenceDiffTest {
    private static final Room ROOM = Room.workspace("w1");

    private static UserPresence user(String id, PresenceStatus status, int devices) {
        return new UserPresence(id, status, devices);
    }

    @Test
    void eachUserLandsInOneListOrNoneByWhatWasToldAndWhatIsTrueNow() {
        var builder = new PresenceDiff.Builder(ROOM);
        assertTrue(builder.add(null, user("a", PresenceStatus.ONLINE, 1)));
        assertTrue(builder.add(user("b", PresenceStatus.ONLINE, 1), null));
        assertTrue(builder.add(user("c", PresenceStatus.ONLINE, 1), user("c", PresenceStatus.AWAY, 1)));
        assertTrue(builder.add(user("d", PresenceStatus.ONLINE, 1), user("d", PresenceStatus.ONLINE, 2)));
        assertFalse(builder.add(user("e", PresenceStatus.BUSY, 1), user("e", PresenceStatus.BUSY, 1)), "nothing changed");
        assertFalse(builder.add(null, null), "came and went");
        var diff = builder.build();
        assertEquals(List.of(user("a", PresenceStatus.ONLINE, 1)), diff.joins());
        assertEquals(List.of(user("c", PresenceStatus.AWAY, 1), user("d", PresenceStatus.ONLINE, 2)), diff.updates());
        assertEquals(List.of("b"), diff.leaves());
        assertEquals(4, diff.size());
    }

    @Test
    void aBigDiffIsSplitIntoPartsOfAtMostTheLimitEachUserInExactlyOne() {
        var builder = new PresenceDiff.Builder(ROOM);
        for (int i = 0; i < 450; i++) {
            builder.add(null, user("j" + i, PresenceStatus.ONLINE, 1));
        }
        for (int i = 0; i < 30; i++) {
            builder.add(user("u" + i, PresenceStatus.ONLINE, 1), user("u" + i, PresenceStatus.BUSY, 1));
            builder.add(user("l" + i, PresenceStatus.ONLINE, 1), null);
        }
        var parts = builder.build().parts(200);
        assertEquals(3, parts.size());
        var seen = new HashSet<String>();
        var sizes = new ArrayList<Integer>();
        for (var part : parts) {
            sizes.add(part.size());
            part.joins().forEach(u -> assertTrue(seen.add(u.userId())));
            part.updates().forEach(u -> assertTrue(seen.add(u.userId())));
            part.leaves().forEach(id -> assertTrue(seen.add(id)));
            assertEquals(ROOM, part.room());
        }
        assertEquals(List.of(200, 200, 110), sizes);
        assertEquals(510, seen.size());
    }

    @Test
    void aSmallOrEmptyDiffIsOnePartAndTheLimitMustBePositive() {
        var empty = new PresenceDiff.Builder(ROOM).build();
        assertTrue(empty.isEmpty());
        assertEquals(List.of(empty), empty.parts(200));
        assertThrows(IllegalArgumentException.class, () -> empty.parts(0));
    }
}
