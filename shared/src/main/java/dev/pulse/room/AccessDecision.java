package dev.pulse.room;

import dev.pulse.action.ActionException;
import dev.pulse.protocol.ErrorCode;
import java.time.Instant;

/**
 * The answer to "may this identity do this to this room?".
 *
 * @param allowed  whether it may
 * @param code     when refused: {@code forbidden}, or {@code access_unavailable} when the hook could not be asked
 * @param reason   when refused, the machine-readable reason (PROTOCOL §7: {@code not_granted}, {@code room_token_missing},
 *                 {@code room_token_invalid}, {@code room_token_expired}, {@code room_token_mismatch},
 *                 {@code hook_denied}, {@code hook_unavailable}, {@code own_rooms_only})
 * @param message  when refused, for people
 * @param lapsesAt when allowed by a room token: when the membership it admits to ends; otherwise null
 */
public record AccessDecision(boolean allowed, ErrorCode code, String reason, String message, Instant lapsesAt) {
    public static final AccessDecision ALLOWED = new AccessDecision(true, null, null, null, null);

    public static AccessDecision allowedUntil(Instant lapsesAt) {
        return new AccessDecision(true, null, null, null, lapsesAt);
    }

    public static AccessDecision forbidden(String reason, String message) {
        return new AccessDecision(false, ErrorCode.FORBIDDEN, reason, message, null);
    }

    /** This decision when it allows; otherwise the refusal as the action's error reply. */
    public AccessDecision orThrow() throws ActionException {
        if (!allowed) {
            throw ActionException.withReason(code, reason, message);
        }
        return this;
    }

    public static AccessDecision unavailable(String message) {
        return new AccessDecision(false, ErrorCode.ACCESS_UNAVAILABLE, "hook_unavailable", message, null);
    }
}
