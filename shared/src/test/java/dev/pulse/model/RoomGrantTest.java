package dev.pulse.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoomGrantTest {
    private static Room room(String name) {
        return new Room("w1", name);
    }

    @Test
    void exactNamespaceAndPrefixGrants() {
        assertTrue(RoomGrant.parse("project:p-9").permits(room("project:p-9")));
        assertFalse(RoomGrant.parse("project:p-9").permits(room("project:p-90")));
        assertTrue(RoomGrant.parse("channel:*").permits(room("channel:general")));
        assertFalse(RoomGrant.parse("channel:*").permits(room("chat:general")));
        assertTrue(RoomGrant.parse("team:red-*").permits(room("team:red-7")));
        assertFalse(RoomGrant.parse("team:red-*").permits(room("team:blue-7")));
        assertEquals("team:red-*", RoomGrant.parse("team:red-*").toString());
    }

    @Test
    void malformedGrantsAreRefusedWithTheirText() {
        for (String bad : List.of("", "nocolon", ":x", "Chat:1", "chat:a b", "chat:a#b", "*", "chat:*x*", "user:*",
                "workspace:w1", "user:u1")) {
            var e = assertThrows(IllegalArgumentException.class, () -> RoomGrant.parse(bad), bad);
            assertFalse(e.getMessage().isBlank());
        }
        assertThrows(IllegalArgumentException.class,
                () -> RoomGrant.parseAll(Collections.nCopies(RoomGrant.MAX_GRANTS + 1, "chat:1")));
        assertEquals(RoomGrant.MAX_GRANTS, RoomGrant.parseAll(Collections.nCopies(RoomGrant.MAX_GRANTS, "chat:1")).size());
    }
}
