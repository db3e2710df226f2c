package dev.pulse.auth;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The token a client presented at {@code $connect}, and the subprotocol {@code $connect} must answer with.
 *
 * <p>Browsers cannot set headers on a WebSocket upgrade, so besides the {@code token} query parameter and
 * {@code Authorization: Bearer} a token may travel as a subprotocol offer {@code bearer.<token>}. A browser
 * that offers any subprotocol fails the handshake unless the server selects one, so such clients must also
 * offer {@value #SUBPROTOCOL}: {@code new WebSocket(url, ["pulse.v1", "bearer." + token])}.
 *
 * @param token       the raw token, never blank
 * @param subprotocol what {@code $connect} must return in {@code Sec-WebSocket-Protocol}: {@value #SUBPROTOCOL}
 *                    when the client offered it, else null. Never the token.
 */
public record ConnectCredentials(String token, String subprotocol) {

    /** The Pulse wire-protocol subprotocol. */
    public static final String SUBPROTOCOL = "pulse.v1";

    private static final String BEARER_SUBPROTOCOL_PREFIX = "bearer.";

    public ConnectCredentials {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("token must not be blank");
        }
    }

    /**
     * Finds the token: query parameter {@code token}, then {@code Authorization: Bearer <token>}, then a
     * {@code bearer.<token>} entry of {@code Sec-WebSocket-Protocol}. Header names are case-insensitive.
     *
     * @param queryStringParameters the {@code $connect} query parameters, or null
     * @param headers               the {@code $connect} headers, or null
     * @return the credentials, or empty when no non-blank token is present anywhere
     */
    public static Optional<ConnectCredentials> locate(Map<String, String> queryStringParameters,
                                                      Map<String, String> headers) {
        String[] offered = subprotocols(header(headers, "Sec-WebSocket-Protocol"));
        String subprotocol = null;
        String fromSubprotocol = null;
        for (String entry : offered) {
            if (entry.equals(SUBPROTOCOL)) {
                subprotocol = SUBPROTOCOL;
            } else if (fromSubprotocol == null && entry.regionMatches(true, 0, BEARER_SUBPROTOCOL_PREFIX, 0,
                    BEARER_SUBPROTOCOL_PREFIX.length())) {
                fromSubprotocol = nonBlank(entry.substring(BEARER_SUBPROTOCOL_PREFIX.length()));
            }
        }

        String token = nonBlank(queryStringParameters == null ? null : queryStringParameters.get("token"));
        if (token == null) {
            token = bearer(header(headers, "Authorization"));
        }
        if (token == null) {
            token = fromSubprotocol;
        }
        return token == null ? Optional.empty() : Optional.of(new ConnectCredentials(token, subprotocol));
    }

    private static String header(Map<String, String> headers, String name) {
        if (headers == null) {
            return null;
        }
        String exact = headers.get(name);
        if (exact != null) {
            return exact;
        }
        for (Map.Entry<String, String> e : headers.entrySet()) {
            if (name.equalsIgnoreCase(e.getKey())) {
                return e.getValue();
            }
        }
        return null;
    }

    private static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.strip();
        int space = value.indexOf(' ');
        if (space < 0 || !value.substring(0, space).toLowerCase(Locale.ROOT).equals("bearer")) {
            return null;
        }
        return nonBlank(value.substring(space + 1));
    }

    private static String[] subprotocols(String header) {
        if (header == null || header.isBlank()) {
            return new String[0];
        }
        String[] entries = header.split(",");
        for (int i = 0; i < entries.length; i++) {
            entries[i] = entries[i].strip();
        }
        return entries;
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
