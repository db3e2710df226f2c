package dev.pulse.local.bench;

import dev.pulse.config.Env;
import dev.pulse.local.LocalSettings;
import dev.pulse.local.LocalSystem;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code typing.start} into a room of N members on the local stack: per message, the DynamoDB and
 * {@code @connections} calls the handler makes (counted on its SDK clients) and the time from sending the
 * frame to its reply, which the handler sends after the broadcast to the other N-1 members is done.
 * Every message comes from a different member, so the per-connection rate limit (5 per 5 s) never trips.
 * Then the same for {@code presence.update}, whose signal goes to both presence rooms (workspace and chat).
 *
 * <p>Run: {@code ./pulse bench-typing 100}.
 */
public final class TypingBenchmark {
    private static final String WORKSPACE = "typing-bench";
    private static final String ROOM = "chat:bench";

    public static void main(String[] args) throws Exception {
        int members = args.length == 0 ? 100 : Integer.parseInt(args[0]);
        int status = 0;
        try {
            // Side by side in one run: without the $connect authorizer, then behind it (PROTOCOL §1.5).
            run(members, false);
            run(members, true);
        } catch (Exception | Error e) {
            e.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }

    static void run(int members, boolean behindAuthorizer) throws Exception {
        var counter = new CallCounter();
        var settings = behindAuthorizer
                ? LocalSettings.ephemeral().withHandlerSetting(Env.CONNECT_AUTHORIZER, "true") : LocalSettings.ephemeral();
        System.out.printf("%n######## %s ########%n", behindAuthorizer
                ? "behind the $connect authorizer (PULSE_CONNECT_AUTHORIZER=true)" : "without the $connect authorizer");
        try (var system = LocalSystem.start(settings, List.of(counter))) {
            counter.countingPostsAt(system.gateway());
            var http = HttpClient.newHttpClient();
            var clients = new ArrayList<BenchSocket>();
            for (int i = 0; i < members; i++) {
                var client = new BenchSocket();
                String token = system.tokens().issue("m" + i, WORKSPACE, Duration.ofHours(1));
                client.open(http, URI.create(system.webSocketUri() + "?token=" + token));
                client.request("{\"action\":\"room.join\",\"id\":\"join\",\"data\":{\"room\":\"" + ROOM + "\"}}", "join");
                clients.add(client);
            }
            int warmup = Math.min(20, members / 2);
            for (int i = 0; i < warmup; i++) {
                clients.get(i).request(typing("w" + i), "w" + i);
            }
            int measured = members - warmup;
            double[] millis = new double[measured];
            // ping: the cheapest frame, so what it costs is what every frame costs before its own work.
            counter.reset();
            for (int i = 0; i < measured; i++) {
                long start = System.nanoTime();
                clients.get(warmup + i).request("{\"action\":\"ping\",\"id\":\"g" + i + "\"}", "g" + i);
                millis[i] = (System.nanoTime() - start) / 1e6;
            }
            var pings = counter.snapshot();
            Arrays.sort(millis);
            System.out.printf("== ping, %d messages ==%n", measured);
            System.out.printf("send→reply  p50 %.1f ms  p99 %.1f ms%n", millis[measured / 2],
                    millis[Math.min(measured - 1, (int) Math.ceil(measured * 0.99) - 1)]);
            pings.forEach((op, count) -> System.out.printf("calls per message %-45s %8.1f%n", op, count / (double) measured));
            counter.reset();
            for (int i = 0; i < measured; i++) {
                long start = System.nanoTime();
                clients.get(warmup + i).request(typing("t" + i), "t" + i);
                millis[i] = (System.nanoTime() - start) / 1e6;
            }
            Map<String, Long> calls = counter.snapshot();
            Arrays.sort(millis);
            System.out.printf("machine: %d cores, java %s%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
            System.out.printf("== typing.start into a %d-member room, %d messages ==%n", members, measured);
            System.out.printf("send→reply (handler incl. broadcast to %d others)  p50 %.1f ms  p99 %.1f ms%n",
                    members - 1, millis[measured / 2], millis[Math.min(measured - 1, (int) Math.ceil(measured * 0.99) - 1)]);
            calls.forEach((op, count) -> System.out.printf("calls per message %-45s %8.1f%n", op, count / (double) measured));

            // presence.update from the same members: each changes its user's status in the two presence
            // rooms it is in (workspace: and chat:), so every message signals both rooms' other members.
            counter.reset();
            for (int i = 0; i < measured; i++) {
                long start = System.nanoTime();
                clients.get(warmup + i).request(presence("p" + i), "p" + i);
                millis[i] = (System.nanoTime() - start) / 1e6;
            }
            calls = counter.snapshot();
            Arrays.sort(millis);
            System.out.printf("== presence.update (away) with 2 presence rooms of %d members, %d messages ==%n", members, measured);
            System.out.printf("send→reply (handler incl. 2 broadcasts to %d others)  p50 %.1f ms  p99 %.1f ms%n",
                    members - 1, millis[measured / 2], millis[Math.min(measured - 1, (int) Math.ceil(measured * 0.99) - 1)]);
            calls.forEach((op, count) -> System.out.printf("calls per message %-45s %8.1f%n", op, count / (double) measured));
            clients.forEach(c -> c.socket.abort());
        }
    }

    private static String presence(String id) {
        return "{\"action\":\"presence.update\",\"id\":\"" + id + "\",\"data\":{\"status\":\"away\"}}";
    }

    private static String typing(String id) {
        return "{\"action\":\"typing.start\",\"id\":\"" + id + "\",\"data\":{\"room\":\"" + ROOM + "\"}}";
    }
}
