package dev.pulse.auth;

import static dev.pulse.auth.AuthenticationException.forbidden;

import dev.pulse.model.Room;
import dev.pulse.model.RoomGrant;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.function.Function;

/**
 * How an identity is read from a token's claims, whatever proved them (a JWT's signature, an introspection
 * endpoint's answer): one set of rules, so every kind of token and every entry point (connect, auth.refresh, polling)
 * accepts exactly the same ids and grants.
 */
final class IdentityClaims {
    private IdentityClaims() {
    }

    /**
     * A string claim, or a number turned into its plain decimal form; anything else is 403 {@code claims_missing}.
     * The id must be exactly valid ({@link Room#isValidId}: it names the user's and the workspace's rooms and is part
     * of table keys), else 403 {@code claims_invalid}: nothing is trimmed or otherwise normalised, so {@code "acme\n"}
     * is refused rather than taken for {@code acme}. Every entry point (connect, auth.refresh, polling) verifies
     * through here, so they all apply the same rule.
     */
    static String identifier(Function<String, Object> claims, String name) throws AuthenticationException {
        Object value = claims.apply(name);
        String id = switch (value) {
            case String s -> s;
            case Long l -> l.toString();
            case Integer i -> i.toString();
            case BigInteger b -> b.toString();
            case Number n when Double.isFinite(n.doubleValue()) ->
                    new BigDecimal(n.toString()).stripTrailingZeros().toPlainString();
            case null, default -> "";
        };
        if (id.isBlank()) {
            throw forbidden(AuthenticationException.CLAIMS_MISSING,
                    "claim " + quoted(name) + " is missing, blank, or not a string or number");
        }
        if (!Room.isValidId(id)) {
            throw forbidden(AuthenticationException.CLAIMS_INVALID, "claim " + quoted(name) + " must be 1 to "
                    + Room.MAX_ID_LENGTH + " of " + Room.ID_CHARACTERS + " exactly (no spaces, # or /)");
        }
        return id;
    }

    /** The room grants claim: absent = none; otherwise an array of grant strings ({@link RoomGrant#parse}). */
    static List<RoomGrant> grants(Function<String, Object> claims, String name) throws AuthenticationException {
        Object value = claims.apply(name);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
            throw forbidden(AuthenticationException.CLAIMS_INVALID, "claim " + quoted(name) + " must be an array of room names or patterns");
        }
        try {
            return RoomGrant.parseAll(list.stream().map(String.class::cast).toList());
        } catch (IllegalArgumentException e) {
            throw forbidden(AuthenticationException.CLAIMS_INVALID, "claim " + quoted(name) + ": " + e.getMessage());
        }
    }

    static String quoted(String s) {
        return s == null ? "(none)" : "\"" + s + "\"";
    }
}
