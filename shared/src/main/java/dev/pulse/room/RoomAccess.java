package dev.pulse.room;

import dev.pulse.support.log.LogField;
import dev.pulse.auth.AuthenticationException;
import dev.pulse.auth.RoomToken;
import dev.pulse.auth.TokenVerifier;
import dev.pulse.model.Identity;
import dev.pulse.model.Room;
import dev.pulse.model.RoomGrant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, for every handler that touches a room, whether an identity may do something there: first the fixed rules
 * ({@link RoomPolicy}: own {@code user:} and {@code workspace:} rooms only), then the room namespace's
 * {@link AccessMode} from the {@link AccessPolicy}:
 * <ul>
 *   <li>{@code open}: yes;</li>
 *   <li>{@code grant}: when one of the token's grants names the room (no I/O: the grants travel with the connection);</li>
 *   <li>{@code room-token}: a join (or a poll, which has no membership) must present a valid room token for this room,
 *       user and workspace; the membership then lapses with the token, so later actions of a member need nothing more;</li>
 *   <li>{@code hook}: the app's {@link AccessHook} answers, per action, cached for a TTL; when it cannot answer, access
 *       is refused with {@code access_unavailable} (fail closed).</li>
 * </ul>
 */
public final class RoomAccess {
    private static final Logger LOG = LoggerFactory.getLogger(RoomAccess.class);

    private final AccessPolicy policy;
    private final RoomPolicy rules;
    private final TokenVerifier roomTokens;
    private final AccessHook hook;

    /**
     * @param roomTokens verifies room tokens; null where none can be verified (then room-token namespaces refuse)
     * @param hook       the app's hook; null where none is configured (then hook namespaces refuse, unavailable)
     */
    public RoomAccess(AccessPolicy policy, RoomPolicy rules, TokenVerifier roomTokens, AccessHook hook) {
        this.policy = policy;
        this.rules = rules;
        this.roomTokens = roomTokens;
        this.hook = hook;
    }

    /** Every namespace open, the fixed rules only: v1's behaviour. */
    public static RoomAccess open() {
        return new RoomAccess(AccessPolicy.open(), new DefaultRoomPolicy(), null, null);
    }

    public AccessPolicy policy() {
        return policy;
    }

    /** {@code room.join}: {@code roomToken} is the join's {@code data.token}, or null. */
    public AccessDecision join(Identity who, Room room, String roomToken) {
        return decide(who, room, RoomOperation.JOIN, roomToken, false);
    }

    /** An action of a connection already in the room (publish, typing, presence, sync of a joined room). */
    public AccessDecision asMember(Identity who, Room room, RoomOperation operation) {
        return decide(who, room, operation, null, true);
    }

    /** Reading a room's history without being in it (the polling endpoint), with the room token given for it, if any. */
    public AccessDecision read(Identity who, Room room, String roomToken) {
        return decide(who, room, RoomOperation.READ, roomToken, false);
    }

    /** Only the fixed rules (leaving a room needs no grant: one may always leave what one could name). */
    public AccessDecision fixedRules(Identity who, Room room) {
        return rules.denial(who, room).map(reason -> AccessDecision.forbidden("own_rooms_only", reason))
                .orElse(AccessDecision.ALLOWED);
    }

    private AccessDecision decide(Identity who, Room room, RoomOperation operation, String roomToken, boolean member) {
        var fixed = fixedRules(who, room);
        if (!fixed.allowed() || isOwnRoom(room)) {
            return fixed;
        }
        return switch (policy.modeOf(room)) {
            case OPEN -> AccessDecision.ALLOWED;
            case GRANT -> RoomGrant.anyPermits(who.grants(), room) ? AccessDecision.ALLOWED
                    : AccessDecision.forbidden("not_granted", "the token does not grant " + room.name()
                            + " (namespace " + room.namespace() + " needs a grant)");
            case ROOM_TOKEN -> member ? AccessDecision.ALLOWED : roomToken(who, room, roomToken);
            case HOOK -> askHook(who, room, operation);
        };
    }

    private static boolean isOwnRoom(Room room) {
        return Room.USER_NAMESPACE.equals(room.namespace()) || Room.WORKSPACE_NAMESPACE.equals(room.namespace());
    }

    private AccessDecision roomToken(Identity who, Room room, String token) {
        if (token == null) {
            return AccessDecision.forbidden("room_token_missing", room.name() + " needs a room token (data.token) signed "
                    + "for it by the app");
        }
        if (roomTokens == null) {
            return AccessDecision.forbidden("room_token_invalid", "room tokens cannot be verified here");
        }
        RoomToken verified;
        try {
            verified = roomTokens.verifyRoomToken(token);
        } catch (AuthenticationException e) {
            boolean expired = AuthenticationException.TOKEN_EXPIRED.equals(e.reason());
            return AccessDecision.forbidden(expired ? "room_token_expired" : "room_token_invalid",
                    "room token refused: " + e.getMessage());
        }
        String mismatch = verified.mismatch(who, room);
        return mismatch == null ? AccessDecision.allowedUntil(verified.expiresAt())
                : AccessDecision.forbidden("room_token_mismatch", mismatch);
    }

    private AccessDecision askHook(Identity who, Room room, RoomOperation operation) {
        if (hook == null) {
            return AccessDecision.unavailable("namespace " + room.namespace() + " is decided by an access hook, and none "
                    + "is configured");
        }
        try {
            var verdict = hook.ask(who, room, operation);
            return verdict.allow() ? AccessDecision.ALLOWED : AccessDecision.forbidden("hook_denied",
                    verdict.reason() == null ? "the app does not allow " + operation.wire() + " in " + room.name()
                            : verdict.reason());
        } catch (AccessHook.Unavailable e) {
            LOG.atWarn().addKeyValue(LogField.OUTCOME, "unavailable").log("access hook unavailable room={} userId={} action={}: {}", room.name(), who.userId(),
                    operation.wire(), e.getMessage());
            return AccessDecision.unavailable("access to " + room.name() + " cannot be decided now (" + e.getMessage()
                    + "); try again later");
        }
    }
}
