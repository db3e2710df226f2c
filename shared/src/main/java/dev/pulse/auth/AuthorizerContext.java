package dev.pulse.auth;

import dev.pulse.model.Identity;
import dev.pulse.model.RoomGrant;
import dev.pulse.support.LruMaps;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The identity a REQUEST authorizer hands API Gateway at {@code $connect}, which API Gateway then passes to every route of
 * the connection in {@code requestContext.authorizer}: the user, the workspace, the token's expiry, its room grants and
 * when it was checked. API Gateway keeps only strings, numbers and booleans there, so every value is a string
 * (grants space-separated: a grant never contains a space), and the whole context must stay within
 * {@link #MAX_BYTES}; when the grants do not fit, they are left out and the context says so, and the handlers
 * read them from the connection record instead.
 */
public final class AuthorizerContext {
    /** API Gateway's cap on an authorizer's context (keys and values). */
    public static final int MAX_BYTES = 8 * 1024;

    static final String USER_ID = "userId";
    static final String WORKSPACE_ID = "workspaceId";
    static final String TOKEN_EXPIRES_AT = "tokenExpiresAt";
    static final String GRANTS = "grants";
    static final String GRANTS_OMITTED = "grantsOmitted";
    static final String AUTHORIZED_AT = "authorizedAt";

    /**
     * Grants parsed from their context text. Every frame of a connection carries the same string, and checking up to
     * 100 grants against the room-name rule on each frame would be the largest cost of a $default behind the authorizer.
     */
    private static final Map<String, List<RoomGrant>> PARSED_GRANTS = LruMaps.bounded(1_000);

    private AuthorizerContext() {
    }

    /** The context for an accepted token: epoch milliseconds for the instants, an empty string for "no expiry". */
    public static Map<String, String> of(Identity identity, Instant authorizedAt) {
        var context = new LinkedHashMap<String, String>();
        context.put(USER_ID, identity.userId());
        context.put(WORKSPACE_ID, identity.workspaceId());
        context.put(TOKEN_EXPIRES_AT, identity.expiresAt() == null ? "" : Long.toString(identity.expiresAt().toEpochMilli()));
        context.put(AUTHORIZED_AT, Long.toString(authorizedAt.toEpochMilli()));
        context.put(GRANTS, String.join(" ", identity.grants().stream().map(RoomGrant::toString).toList()));
        if (size(context) > MAX_BYTES) {
            context.remove(GRANTS);
            context.put(GRANTS_OMITTED, "true");
        }
        return context;
    }

    /**
     * The identity in a route's {@code requestContext.authorizer}; empty when there is none (no authorizer), when it is
     * not one of ours, or when its grants were left out (then only the connection record has them).
     */
    public static Optional<Identity> identity(Map<String, Object> authorizer) {
        if (authorizer == null || "true".equals(text(authorizer, GRANTS_OMITTED))) {
            return Optional.empty();
        }
        String userId = text(authorizer, USER_ID);
        String workspaceId = text(authorizer, WORKSPACE_ID);
        String grants = text(authorizer, GRANTS);
        if (userId == null || workspaceId == null || grants == null || authorizedAt(authorizer).isEmpty()) {
            return Optional.empty();
        }
        String expiry = text(authorizer, TOKEN_EXPIRES_AT);
        Instant expiresAt = instant(expiry);
        if (expiry == null || (!expiry.isEmpty() && expiresAt == null)) {
            return Optional.empty();
        }
        List<RoomGrant> parsed = grants.isEmpty() ? List.of()
                : PARSED_GRANTS.computeIfAbsent(grants,
                        // List.copyOf: the records that carry it (Identity, Connection) then keep this one instance.
                        text -> List.copyOf(RoomGrant.parseAll(Arrays.asList(text.split(" ")))));
        return Optional.of(new Identity(userId, workspaceId, expiresAt, parsed));
    }

    /** When the authorizer checked the token (the connection's presence leases start then). */
    public static Optional<Instant> authorizedAt(Map<String, Object> authorizer) {
        return authorizer == null ? Optional.empty() : Optional.ofNullable(instant(text(authorizer, AUTHORIZED_AT)));
    }

    /** Whether the authorizer accepted the token but left its grants to the connection record. */
    public static boolean grantsOmitted(Map<String, Object> authorizer) {
        return authorizer != null && "true".equals(text(authorizer, GRANTS_OMITTED));
    }

    /** The context's size as API Gateway counts it: the UTF-8 bytes of its keys and values. */
    public static int size(Map<String, ?> context) {
        int bytes = 0;
        for (var entry : context.entrySet()) {
            bytes += entry.getKey().getBytes(StandardCharsets.UTF_8).length
                    + String.valueOf(entry.getValue()).getBytes(StandardCharsets.UTF_8).length;
        }
        return bytes;
    }

    private static String text(Map<String, Object> authorizer, String key) {
        Object value = authorizer.get(key);
        return value == null ? null : value.toString();
    }

    private static Instant instant(String millis) {
        if (millis == null || millis.isEmpty()) {
            return null;
        }
        try {
            return Instant.ofEpochMilli(Long.parseLong(millis));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
