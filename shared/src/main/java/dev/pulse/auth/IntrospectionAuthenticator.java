package dev.pulse.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.model.Identity;
import dev.pulse.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;

/**
 * Opaque session tokens (better-auth, OAuth access tokens) checked by the app's OAuth 2.0 token introspection endpoint
 * (RFC 7662): POST {@code token=…&token_type_hint=access_token}, authenticated with the deployment's client id and
 * secret (HTTP Basic), answered {@code {"active": true, "sub": "u1", "workspaceId": "w1", "exp": 1764590000, …}}.
 * The identity is read from the answer with the same claim names and rules as from a JWT (user, workspace, room
 * grants); an inactive token is 401 {@code token_inactive}; an answer that is not that, a failure or a timeout is 503
 * {@code auth_unavailable} (nothing is known, nothing is let in).
 */
public final class IntrospectionAuthenticator implements Authenticator {
    static final int MAX_TOKEN_LENGTH = 8 * 1024;
    static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final URI endpoint;
    private final String authorization;
    private final Duration timeout;
    private final ClaimNames claimNames;
    private final Clock clock;
    private final HttpClient http;

    /**
     * @param claimNames where the user, workspace and room grants are in the answer (the same names as in JWTs)
     */
    public IntrospectionAuthenticator(URI endpoint, String clientId, String clientSecret, Duration timeout,
                                      ClaimNames claimNames, Clock clock) {
        this.endpoint = endpoint;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                (form(clientId) + ":" + form(clientSecret)).getBytes(StandardCharsets.UTF_8));
        this.timeout = timeout;
        this.claimNames = claimNames;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public Identity authenticate(String token) throws AuthenticationException {
        if (token == null || token.isBlank()) {
            throw AuthenticationException.unauthorized(AuthenticationException.TOKEN_MISSING, "no token presented");
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw AuthenticationException.unauthorized(AuthenticationException.TOKEN_TOO_LARGE,
                    "token is longer than " + MAX_TOKEN_LENGTH + " characters");
        }
        JsonNode answer = introspect(token.strip());
        if (!answer.path("active").isBoolean()) {
            throw AuthenticationException.unavailable("the introspection endpoint's answer has no boolean \"active\"", null);
        }
        if (!answer.get("active").booleanValue()) {
            throw AuthenticationException.unauthorized(AuthenticationException.TOKEN_INACTIVE,
                    "the token is not active (unknown, expired or revoked)");
        }
        Instant expiresAt = null;
        if (answer.has("exp")) {
            if (!answer.get("exp").isIntegralNumber()) {
                throw AuthenticationException.unavailable("the introspection endpoint's exp is not a number", null);
            }
            expiresAt = Instant.ofEpochSecond(answer.get("exp").asLong());
            if (!expiresAt.isAfter(clock.instant())) {
                throw AuthenticationException.unauthorized(AuthenticationException.TOKEN_EXPIRED, "the token has expired");
            }
        }
        String user = IdentityClaims.identifier(name -> value(answer.get(name)), claimNames.userClaim());
        String workspace = IdentityClaims.identifier(name -> value(answer.get(name)), claimNames.workspaceClaim());
        return new Identity(user, workspace, expiresAt,
                IdentityClaims.grants(name -> value(answer.get(name)), claimNames.roomsClaim()));
    }

    private JsonNode introspect(String token) throws AuthenticationException {
        var request = HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("Authorization", authorization)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + form(token) + "&token_type_hint=access_token"))
                .build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw AuthenticationException.unavailable("the introspection endpoint did not answer within "
                    + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            throw AuthenticationException.unavailable("the introspection endpoint is unreachable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw AuthenticationException.unavailable("interrupted while introspecting the token", e);
        }
        if (response.statusCode() != 200) {
            throw AuthenticationException.unavailable("the introspection endpoint answered HTTP " + response.statusCode(), null);
        }
        if (response.body().length > MAX_ANSWER_BYTES) {
            throw AuthenticationException.unavailable("the introspection endpoint's answer is too large", null);
        }
        try {
            JsonNode answer = Json.MAPPER.readTree(response.body());
            if (answer == null || !answer.isObject()) {
                throw AuthenticationException.unavailable("the introspection endpoint's answer is not a JSON object", null);
            }
            return answer;
        } catch (IOException e) {
            throw AuthenticationException.unavailable("the introspection endpoint's answer is not JSON", e);
        }
    }

    /** A JSON claim as the claim readers expect it: String, Number, List of those, or null. */
    private static Object value(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isNumber()) {
            return node.numberValue();
        }
        if (node.isArray()) {
            var list = new ArrayList<Object>();
            node.forEach(element -> list.add(value(element)));
            return list;
        }
        return node; // objects, booleans: no claim reader accepts them
    }

    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
