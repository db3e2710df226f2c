package dev.pulse.auth;

/**
 * Where the identity is in a token's claims, a JWT's or an introspection answer's alike (PULSE_JWT_USER_CLAIM,
 * PULSE_JWT_WORKSPACE_CLAIM, PULSE_JWT_ROOMS_CLAIM).
 *
 * @param userClaim      the user id (default {@code sub})
 * @param workspaceClaim the workspace id (default {@code workspaceId})
 * @param roomsClaim     the room grants (default {@code rooms})
 */
public record ClaimNames(String userClaim, String workspaceClaim, String roomsClaim) {
    public ClaimNames {
        userClaim = userClaim == null || userClaim.isBlank() ? "sub" : userClaim;
        workspaceClaim = workspaceClaim == null || workspaceClaim.isBlank() ? "workspaceId" : workspaceClaim;
        roomsClaim = roomsClaim == null || roomsClaim.isBlank() ? "rooms" : roomsClaim;
    }

    public static ClaimNames defaults() {
        return new ClaimNames(null, null, null);
    }
}
