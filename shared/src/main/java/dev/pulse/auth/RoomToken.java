package dev.pulse.auth;

import dev.pulse.model.Identity;
import dev.pulse.model.Room;
import java.time.Instant;

/**
 * A verified room token: the app's backend signed, for one user of one workspace, admission to one room until
 * {@code expiresAt}. A membership made with it lapses then (joining again with a new token renews it).
 *
 * @param userId      the user it was signed for
 * @param workspaceId the workspace it was signed for
 * @param room        the room name it admits to
 * @param expiresAt   its {@code exp}
 */
public record RoomToken(String userId, String workspaceId, String room, Instant expiresAt) {
    /** Why the token does not admit {@code who} to {@code target}, or null when it does. */
    public String mismatch(Identity who, Room target) {
        if (!workspaceId.equals(who.workspaceId()) || !target.workspaceId().equals(workspaceId)) {
            return "the room token is for another workspace";
        }
        if (!userId.equals(who.userId())) {
            return "the room token is for another user";
        }
        if (!room.equals(target.name())) {
            return "the room token is for " + room + ", not " + target.name();
        }
        return null;
    }
}
