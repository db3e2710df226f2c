package dev.pulse.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.model.Identity;
import dev.pulse.model.Room;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/examples/access-hook.mjs, the sample hook docs/ACCESS.md shows, run with {@code node} as a real HTTP server and
 * asked by Pulse's own {@link HttpAccessHook}: members are allowed, others denied with the sample's reason and TTLs,
 * and a request not signed with the secret, or signed too long ago or ahead, is refused (401: Pulse then refuses
 * access as unavailable).
 */
class AccessHookExampleTest {
    private static final String SECRET = "the-sample-hooks-shared-secret-0123456789";
    private static final Identity ANN = new Identity("ann", "acme", Instant.now().plusSeconds(600));
    private static final Identity BOB = new Identity("bob", "acme", Instant.now().plusSeconds(600));
    private static final Room PROJECT = new Room("acme", "project:p-9");

    @TempDir
    static Path dir;
    private static Process node;
    private static URI endpoint;

    @BeforeAll
    static void startTheSample() throws Exception {
        Path members = Files.writeString(dir.resolve("members.json"), "{\"acme\": {\"project:p-9\": [\"ann\"]}}");
        var builder = new ProcessBuilder("node", sample().toString()).redirectErrorStream(true);
        builder.environment().put("PULSE_ACCESS_HOOK_SECRET", SECRET);
        builder.environment().put("ACCESS_HOOK_MEMBERS", members.toString());
        builder.environment().put("PORT", "0");
        try {
            node = builder.start();
        } catch (IOException e) {
            throw new AssertionError("cannot start node (Node >= 20 must be on the PATH): " + e.getMessage(), e);
        }
        var reader = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
        // Its first line names the address; a generous bound only so a broken sample cannot hang the build.
        String first = CompletableFuture.supplyAsync(() -> {
            try {
                return reader.readLine();
            } catch (IOException e) {
                return "unreadable: " + e;
            }
        }).get(60, TimeUnit.SECONDS);
        assertTrue(first != null && first.startsWith("access hook listening on http://127.0.0.1:"), "sample said: " + first);
        endpoint = URI.create(first.substring("access hook listening on ".length()));
        Thread.ofVirtual().start(() -> reader.lines().forEach(line -> System.out.println("[access-hook] " + line)));
    }

    @AfterAll
    static void stopTheSample() throws Exception {
        if (node != null) {
            node.destroy();
            node.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static Path sample() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("docs/examples/access-hook.mjs");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("docs/examples/access-hook.mjs not found above " + Path.of("").toAbsolutePath());
    }

    private static HttpAccessHook hook(String secret, Clock clock) {
        return new HttpAccessHook(endpoint, secret, Duration.ofSeconds(10), clock);
    }

    private static HttpAccessHook hook() {
        return hook(SECRET, Clock.systemUTC());
    }

    @Test
    void aMemberIsAllowedForAMinute() throws Exception {
        assertEquals(new AccessHook.Verdict(true, null, Duration.ofSeconds(60)), hook().ask(ANN, PROJECT, RoomOperation.JOIN));
        assertEquals(new AccessHook.Verdict(true, null, Duration.ofSeconds(60)),
                hook().ask(ANN, PROJECT, RoomOperation.PUBLISH));
    }

    @Test
    void anyoneElseIsDeniedWithTheReasonForFiveSeconds() throws Exception {
        assertEquals(new AccessHook.Verdict(false, "not a member of project:p-9", Duration.ofSeconds(5)),
                hook().ask(BOB, PROJECT, RoomOperation.JOIN));
        // Rooms are per workspace: ann of another workspace is not ann of acme.
        assertEquals(false, hook().ask(new Identity("ann", "other", null), new Room("other", "project:p-9"),
                RoomOperation.JOIN).allow());
    }

    @Test
    void aRequestSignedWithAnotherSecretIsRefused() {
        var e = assertThrows(AccessHook.Unavailable.class,
                () -> hook("someone-elses-secret-that-is-long-enough-0123", Clock.systemUTC()).ask(ANN, PROJECT, RoomOperation.JOIN));
        assertEquals("the access hook answered HTTP 401", e.getMessage());
    }

    @Test
    void aRequestSignedMoreThanFiveMinutesAwayIsRefusedEitherWay() throws Exception {
        for (Duration offset : List.of(Duration.ofMinutes(-6), Duration.ofMinutes(6))) {
            var clock = Clock.offset(Clock.system(ZoneOffset.UTC), offset);
            var e = assertThrows(AccessHook.Unavailable.class, () -> hook(SECRET, clock).ask(ANN, PROJECT, RoomOperation.JOIN),
                    "signed " + offset + " from now");
            assertEquals("the access hook answered HTTP 401", e.getMessage());
        }
        // Within the window, a clock a little off is fine.
        var slightlyBehind = Clock.offset(Clock.system(ZoneOffset.UTC), Duration.ofMinutes(-2));
        assertTrue(hook(SECRET, slightlyBehind).ask(ANN, PROJECT, RoomOperation.JOIN).allow());
    }

    @Test
    void anUnsignedOrTamperedRequestGets401NamingTheProblem() throws Exception {
        String body = "{\"userId\":\"ann\",\"workspaceId\":\"acme\",\"room\":\"project:p-9\",\"action\":\"join\"}";
        var http = HttpClient.newHttpClient();
        var unsigned = http.send(HttpRequest.newBuilder(endpoint).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, unsigned.statusCode());
        assertTrue(unsigned.body().contains("missing or malformed X-Pulse-Timestamp"), unsigned.body());
        // A valid signature of another body: bob cannot reuse ann's signed question.
        String timestamp = Long.toString(Instant.now().getEpochSecond());
        String annsSignature = "sha256=" + java.util.HexFormat.of().formatHex(hmac(timestamp + "." + body));
        var tampered = http.send(HttpRequest.newBuilder(endpoint)
                        .header("X-Pulse-Timestamp", timestamp).header("X-Pulse-Signature", annsSignature)
                        .POST(HttpRequest.BodyPublishers.ofString(body.replace("ann", "bob"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, tampered.statusCode());
        assertTrue(tampered.body().contains("bad X-Pulse-Signature"), tampered.body());
    }

    @Test
    void withoutASecretTheSampleRefusesToStart() throws Exception {
        var builder = new ProcessBuilder("node", sample().toString()).redirectErrorStream(true);
        builder.environment().remove("PULSE_ACCESS_HOOK_SECRET");
        builder.environment().put("PORT", "0");
        var process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, process.exitValue(), output);
        assertTrue(output.contains("PULSE_ACCESS_HOOK_SECRET must be set"), output);
    }

    private static byte[] hmac(String payload) throws Exception {
        var mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
    }
}
