package dev.pulse.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.model.Identity;
import dev.pulse.model.Room;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DefaultRoomPolicyTest {
    private final RoomPolicy policy = new DefaultRoomPolicy();
    private final Identity alice = new Identity("alice", "w1", null);

    @Test
    void ownWorkspaceAndUserRoomsAreAllowed() {
        assertEquals(Optional.empty(), policy.denial(alice, Room.workspace("w1")));
        assertEquals(Optional.empty(), policy.denial(alice, Room.user("w1", "alice")));
    }

    @Test
    void otherNamespacesAreOpenWithinTheWorkspace() {
        assertEquals(Optional.empty(), policy.denial(alice, new Room("w1", "chat:42")));
        assertEquals(Optional.empty(), policy.denial(alice, new Room("w1", "doc:a-b_c")));
    }

    @Test
    void anotherUsersRoomIsDenied() {
        var denial = policy.denial(alice, Room.user("w1", "bob"));
        assertTrue(denial.isPresent());
        assertTrue(denial.get().contains("user:bob"), denial.get());
    }

    @Test
    void anotherWorkspacesRoomNameIsDeniedEvenInsideTheOwnWorkspace() {
        assertTrue(policy.denial(alice, new Room("w1", "workspace:w2")).isPresent());
    }

    @Test
    void roomsOfAnotherWorkspaceAreDeniedWhateverTheirName() {
        assertTrue(policy.denial(alice, Room.workspace("w2")).isPresent());
        assertTrue(policy.denial(alice, Room.user("w2", "alice")).isPresent());
        assertTrue(policy.denial(alice, new Room("w2", "chat:42")).isPresent());
    }

    @Test
    void theRuleLooksAtTheNamespaceNotAPrefix() {
        // "users:" is not the "user:" namespace, so it is an ordinary open room.
        assertEquals(Optional.empty(), policy.denial(alice, new Room("w1", "users:bob")));
        assertTrue(policy.denial(alice, new Room("w1", "user:alice:x")).isPresent());
    }

    @Test
    void missingArgumentsAreErrors() {
        assertThrows(NullPointerException.class, () -> policy.denial(null, Room.workspace("w1")));
        assertThrows(NullPointerException.class, () -> policy.denial(alice, null));
    }

    @Test
    void aPolicyIsReplaceable() {
        RoomPolicy closed = (who, room) -> Optional.of("rooms are closed today");
        assertEquals(Optional.of("rooms are closed today"), closed.denial(alice, new Room("w1", "chat:1")));
    }
}
