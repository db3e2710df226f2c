package dev.pulse.auth;

import dev.pulse.model.Identity;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An authenticator's answers kept in this process per token (by its SHA-256, so no token is held): an identity until
 * the token's own expiry or {@code ttl}, whichever comes first; a refusal (401/403) for {@code negativeTtl}, so a
 * flood of bad tokens does not flood the session store, yet a token that just became valid works soon; an
 * unavailability (503) never. At most {@code capacity} answers, least recently used dropped first.
 */
public final class CachedAuthenticator implements Authenticator {
    private record Answer(Identity identity, AuthenticationException refusal, Instant until) {
    }

    private final Authenticator authenticator;
    private final Duration ttl;
    private final Duration negativeTtl;
    private final Clock clock;
    private final Map<String, Answer> answers;
    private final AtomicLong calls = new AtomicLong();

    public CachedAuthenticator(Authenticator authenticator, Duration ttl, Duration negativeTtl, int capacity, Clock clock) {
        this.authenticator = authenticator;
        this.ttl = ttl;
        this.negativeTtl = negativeTtl;
        this.clock = clock;
        this.answers = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Answer> eldest) {
                return size() > capacity;
            }
        };
    }

    @Override
    public Identity authenticate(String token) throws AuthenticationException {
        String key = token == null ? "" : sha256(token.strip());
        Instant now = clock.instant();
        synchronized (answers) {
            var cached = answers.get(key);
            if (cached != null && now.isBefore(cached.until())) {
                if (cached.refusal() != null) {
                    throw cached.refusal();
                }
                return cached.identity();
            }
        }
        calls.incrementAndGet();
        try {
            Identity identity = authenticator.authenticate(token);
            Instant until = now.plus(ttl);
            if (identity.expiresAt() != null && identity.expiresAt().isBefore(until)) {
                until = identity.expiresAt();
            }
            remember(key, new Answer(identity, null, until));
            return identity;
        } catch (AuthenticationException e) {
            if (e.status() != 503) {
                remember(key, new Answer(null, e, now.plus(negativeTtl)));
            }
            throw e;
        }
    }

    /** Calls made to the authenticator itself. */
    public long calls() {
        return calls.get();
    }

    private void remember(String key, Answer answer) {
        synchronized (answers) {
            answers.put(key, answer);
        }
    }

    private static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }
}
