package dev.pulse.local.gateway;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What API Gateway makes of a REQUEST authorizer's answer at {@code $connect}: an {@code Allow} for the route's ARN lets
 * {@code $connect} run, and the context (values must be strings, numbers or booleans; at most 8 KB) goes, stringified
 * with the {@code principalId}, into {@code requestContext.authorizer} of every route of the connection. A
 * {@code Deny} (or no statement for the ARN) refuses with 403, a thrown {@code Unauthorized} with 401, anything else —
 * another exception, a malformed answer, a context too big or with nested values — with 500.
 *
 * @param status     0 when allowed, else the upgrade's refusal status
 * @param body       the refusal's body (API Gateway's own JSON), or null
 * @param authorizer what every route gets in {@code requestContext.authorizer} when allowed
 */
record AuthorizerVerdict(int status, String body, Map<String, Object> authorizer) {
    private static final Logger LOG = LoggerFactory.getLogger(AuthorizerVerdict.class);
    /** API Gateway's cap on an authorizer's context. */
    static final int MAX_CONTEXT_BYTES = 8 * 1024;
    static final String UNAUTHORIZED = "Unauthorized";

    boolean allowed() {
        return status == 0;
    }

    static AuthorizerVerdict unauthorized() {
        return new AuthorizerVerdict(401, "{\"message\":\"Unauthorized\"}", null);
    }

    static AuthorizerVerdict failed(String why) {
        LOG.warn("authorizer failed: {}", why);
        return new AuthorizerVerdict(500, "{\"message\": \"Internal server error\"}", null);
    }

    /** Reads the authorizer's answer for the route {@code methodArn}; {@code latencyMillis} is how long it took. */
    static AuthorizerVerdict of(Map<String, Object> answer, String methodArn, long latencyMillis) {
        if (answer == null || !(answer.get("principalId") instanceof String principal)
                || !(answer.get("policyDocument") instanceof Map<?, ?> policy)) {
            return failed("the answer has no principalId or policyDocument");
        }
        if (!allows(policy.get("Statement"), methodArn)) {
            return new AuthorizerVerdict(403, "{\"message\":\"Forbidden\"}", null);
        }
        var authorizer = new LinkedHashMap<String, Object>();
        int bytes = 0;
        if (answer.get("context") instanceof Map<?, ?> context) {
            for (var entry : context.entrySet()) {
                Object value = entry.getValue();
                if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
                    return failed("context value of '" + entry.getKey() + "' is not a string, number or boolean");
                }
                String text = value.toString();
                bytes += (entry.getKey().toString() + text).getBytes(StandardCharsets.UTF_8).length;
                authorizer.put(entry.getKey().toString(), text);
            }
        } else if (answer.get("context") != null) {
            return failed("context is not an object");
        }
        if (bytes > MAX_CONTEXT_BYTES) {
            return failed("context of " + bytes + " bytes; at most " + MAX_CONTEXT_BYTES);
        }
        authorizer.put("principalId", principal);
        authorizer.put("integrationLatency", latencyMillis);
        return new AuthorizerVerdict(0, null, Map.copyOf(authorizer));
    }

    /** Allowed when some statement allows {@code execute-api:Invoke} on this ARN (or {@code *}) and none denies it. */
    private static boolean allows(Object statements, String methodArn) {
        if (!(statements instanceof Collection<?> list)) {
            return false;
        }
        boolean allowed = false;
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> statement) || !covers(statement.get("Resource"), methodArn)
                    || !covers(statement.get("Action"), "execute-api:Invoke")) {
                continue;
            }
            if ("Deny".equals(statement.get("Effect"))) {
                return false;
            }
            allowed |= "Allow".equals(statement.get("Effect"));
        }
        return allowed;
    }

    private static boolean covers(Object pattern, String value) {
        var patterns = pattern instanceof Collection<?> many ? many : pattern == null ? List.of() : List.of(pattern);
        for (Object p : patterns) {
            String text = Objects.toString(p);
            if (text.equals("*") || text.equals(value)
                    || (text.endsWith("*") && value.startsWith(text.substring(0, text.length() - 1)))) {
                return true;
            }
        }
        return false;
    }
}
