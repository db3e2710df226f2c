package dev.pulse.room;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pulse.model.Identity;
import dev.pulse.model.Room;
import dev.pulse.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The access hook as an HTTPS endpoint of the app (PROTOCOL §5.1): Pulse POSTs
 * {@code {"userId","workspaceId","room","action"}} and expects 200 with {@code {"allow": bool, "reason"?: string,
 * "ttlSeconds"?: int}}. Each request is signed, so the app can tell it comes from Pulse: {@code X-Pulse-Timestamp}
 * (epoch seconds) and {@code X-Pulse-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">} with the shared
 * secret. Anything but such an answer within the timeout (another status, a body that is not that JSON, a slow or
 * unreachable server) is {@link AccessHook.Unavailable}: the caller refuses access.
 */
public final class HttpAccessHook implements AccessHook {
    /** The longest answer read: an answer is a few bytes, so more is garbage. */
    static final int MAX_ANSWER_BYTES = 8 * 1024;

    private final URI endpoint;
    private final byte[] secret;
    private final Duration timeout;
    private final HttpClient http;
    private final Clock clock;

    /** @param secret signs every request (at least 32 bytes); the app checks it */
    public HttpAccessHook(URI endpoint, String secret, Duration timeout, Clock clock) {
        this.endpoint = endpoint;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        if (this.secret.length < 32) {
            throw new IllegalArgumentException("the access hook's signing secret must be at least 32 bytes");
        }
        this.timeout = timeout;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public Verdict ask(Identity who, Room room, RoomOperation operation) throws Unavailable {
        String body = Json.object()
                .put("userId", who.userId())
                .put("workspaceId", who.workspaceId())
                .put("room", room.name())
                .put("action", operation.wire())
                .toString();
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        var request = HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("X-Pulse-Timestamp", timestamp)
                .header("X-Pulse-Signature", "sha256=" + sign(timestamp + "." + body))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw new Unavailable("the access hook did not answer within " + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            throw new Unavailable("the access hook is unreachable: " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while asking the access hook", e);
        }
        if (response.statusCode() != 200) {
            throw new Unavailable("the access hook answered HTTP " + response.statusCode());
        }
        return verdict(response.body());
    }

    static Verdict verdict(byte[] body) throws Unavailable {
        if (body.length > MAX_ANSWER_BYTES) {
            throw new Unavailable("the access hook's answer is larger than " + MAX_ANSWER_BYTES + " bytes");
        }
        JsonNode answer;
        try {
            answer = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new Unavailable("the access hook's answer is not JSON");
        }
        if (answer == null || !answer.isObject() || !answer.path("allow").isBoolean()) {
            throw new Unavailable("the access hook's answer has no boolean \"allow\"");
        }
        JsonNode reason = answer.get("reason");
        JsonNode ttl = answer.get("ttlSeconds");
        if (ttl != null && !(ttl.isIntegralNumber() && ttl.asLong() >= 0)) {
            throw new Unavailable("the access hook's ttlSeconds must be a whole number >= 0");
        }
        String text = reason != null && reason.isTextual() ? abbreviate(reason.textValue()) : null;
        return new Verdict(answer.get("allow").booleanValue(), text, ttl == null ? null : Duration.ofSeconds(ttl.asLong()));
    }

    private String sign(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
