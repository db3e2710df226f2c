package dev.pulse.local.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.pulse.delivery.ConnectionSender;
import dev.pulse.delivery.DirectPostSender;
import dev.pulse.delivery.ManagementApiSender;
import dev.pulse.delivery.Poster;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;

/**
 * The handler's CPU per PostToConnection, against a null gateway ({@link NullGateway}: a real HTTP server in another
 * JVM that answers 200 at once), so only the posting side's cost is counted: this process's CPU time (every thread:
 * posting threads, the HTTP client's, GC, JIT) divided by the posts. Each variant is warmed up, then measured in
 * several rounds; the median round is reported, with wall-clock posts per second for orientation.
 *
 * <p>Variants: {@code before} is the path of the functions until issue 14 (the SDK's {@code postToConnection} on the
 * Apache client, a virtual thread per post); {@code sdk-apache} and {@code sdk-urlconnection} the SDK on the fixed
 * posting pool with either blocking client; {@code sdk-floor} the SDK's pipeline alone, with an HTTP client that
 * answers 200 without any I/O (a floor for every SDK HTTP client, the CRT's and Netty's included); {@code direct} what
 * the functions use now ({@link DirectPostSender} on the fixed pool).
 *
 * <p>Run: {@code ./pulse bench-post [posts per round] [variants…]} (see docs/BENCHMARKS.md).
 */
public final class PostBenchmark {
    private static final int CONCURRENCY = 64;
    private static final int ROUNDS = 5;
    private static final List<String> VARIANTS = List.of("before", "sdk-apache", "sdk-urlconnection", "sdk-floor", "direct",
            "emulator");
    /** Clients connected to the emulator for its figure. */
    private static final int EMULATOR_CLIENTS = 1000;

    public static void main(String[] args) throws Exception {
        int posts = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        List<String> variants = args.length > 1 ? Arrays.asList(args).subList(1, args.length) : VARIANTS;
        System.out.printf("machine: %d cores, java %s; %d posts per round, %d rounds, %d in flight, frame %d bytes%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), posts, ROUNDS, CONCURRENCY,
                frame().length());
        String java = ProcessHandle.current().info().command().orElse("java");
        // Jetty warns when a client drops a connection mid-answer (the URL-connection client does): not ours to report.
        var gateway = new ProcessBuilder(java, "-Xmx1g", "-Dorg.slf4j.simpleLogger.log.org.eclipse.jetty=error",
                "-cp", System.getProperty("java.class.path"), NullGateway.class.getName()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        int status = 0;
        try {
            var out = new BufferedReader(new InputStreamReader(gateway.getInputStream(), StandardCharsets.UTF_8));
            String line = await(out, "PORT ");
            var endpoint = URI.create("http://127.0.0.1:" + line.substring(5).trim() + "/bench");
            for (String variant : variants) {
                if (variant.equals("emulator")) {
                    emulator(java, posts);
                } else {
                    run(variant, endpoint, posts);
                }
            }
        } catch (Exception | Error e) {
            e.printStackTrace();
            status = 1;
        } finally {
            gateway.getOutputStream().close();
            gateway.destroy();
        }
        System.exit(status);
    }

    private static void run(String variant, URI endpoint, int posts) throws Exception {
        try (var subject = Subject.of(variant, endpoint)) {
            String frame = frame();
            subject.post(posts, frame); // warm-up: JIT, connections, pools
            subject.post(posts, frame);
            var cpu = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            double[] micros = new double[ROUNDS];
            double[] rates = new double[ROUNDS];
            double[] system = new double[ROUNDS];
            for (int round = 0; round < ROUNDS; round++) {
                long sysBefore = systemTicks();
                long cpuBefore = cpu.getProcessCpuTime();
                long wallBefore = System.nanoTime();
                int failed = subject.post(posts, frame);
                long wall = System.nanoTime() - wallBefore;
                if (failed > 0) {
                    throw new IllegalStateException(variant + ": " + failed + " posts not delivered");
                }
                micros[round] = (cpu.getProcessCpuTime() - cpuBefore) / 1e3 / posts;
                rates[round] = posts / (wall / 1e9);
                system[round] = (systemTicks() - sysBefore) * 1e4 / posts; // ticks of 10 ms
            }
            double[] sorted = micros.clone();
            Arrays.sort(sorted);
            double median = sorted[ROUNDS / 2];
            int at = 0;
            while (micros[at] != median) {
                at++;
            }
            System.out.printf("%-18s CPU per post: median %6.1f µs, of it in the kernel %5.1f µs (rounds %s)   %,8.0f posts/s%n",
                    variant, median, system[at],
                    Arrays.toString(Arrays.stream(micros).map(m -> Math.round(m * 10) / 10.0).toArray()), rates[at]);
        }
    }

    /**
     * The emulator's CPU per post: {@link EmulatorUnderLoad} (the gateway alone, in its own JVM; another build of it with
     * {@code PULSE_BENCH_EMULATOR_CLASSPATH}) with {@value #EMULATOR_CLIENTS} real WebSocket clients ({@link BenchClients},
     * a third JVM), posted to by the direct path from here, one frame per client per round; a round ends when every
     * client has its frame. The emulator's CPU covers the HTTP request, the SigV4 check and the WebSocket write.
     */
    private static void emulator(String java, int posts) throws Exception {
        String classpath = System.getenv().getOrDefault("PULSE_BENCH_EMULATOR_CLASSPATH", System.getProperty("java.class.path"));
        var gateway = new ProcessBuilder(java, "-Xmx2g", "-cp", classpath + File.pathSeparator
                + System.getProperty("java.class.path"), EmulatorUnderLoad.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Process clients = null;
        try {
            var fromGateway = new BufferedReader(new InputStreamReader(gateway.getInputStream(), StandardCharsets.UTF_8));
            var toGateway = new PrintWriter(gateway.getOutputStream(), true, StandardCharsets.UTF_8);
            String port = await(fromGateway, "PORT ").substring(5).trim();
            clients = new ProcessBuilder(java, "-Xmx2g", "-cp", System.getProperty("java.class.path"),
                    BenchClients.class.getName(), "ws://127.0.0.1:" + port + "/local", Integer.toString(EMULATOR_CLIENTS),
                    "bench", "bench-secret-that-is-at-least-32-bytes-long", "bench", "bench")
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            var fromClients = new BufferedReader(new InputStreamReader(clients.getInputStream(), StandardCharsets.UTF_8));
            var toClients = new PrintWriter(clients.getOutputStream(), true, StandardCharsets.UTF_8);
            await(fromClients, "READY");
            toGateway.println("ids");
            List<String> ids = List.of(await(fromGateway, "IDS ").substring(4).split(","));
            var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
            try (var sender = new DirectPostSender(URI.create("http://127.0.0.1:" + port + "/local"), "us-east-1",
                    credentials, new DirectPostSender.Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(10)), CONCURRENCY,
                    Clock.systemUTC()); var poster = new Poster(sender, CONCURRENCY)) {
                int rounds = Math.max(1, posts / ids.size());
                var cpu = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                double[] emulatorMicros = new double[ROUNDS];
                double[] handlerMicros = new double[ROUNDS];
                for (int measured = -2; measured < ROUNDS; measured++) { // two rounds of warm-up
                    toGateway.println("cpu");
                    long emulatorBefore = Long.parseLong(await(fromGateway, "CPU ").substring(4));
                    long handlerBefore = cpu.getProcessCpuTime();
                    for (int r = 0; r < rounds; r++) {
                        String marker = "m" + measured + "-" + r;
                        toClients.println("EXPECT " + marker);
                        await(fromClients, "ARMED");
                        var batch = poster.batch();
                        String frame = frame().replace("bench-42", marker);
                        ids.forEach(id -> batch.post(id, frame));
                        if (batch.finish().delivered() != ids.size()) {
                            throw new IllegalStateException("posts to the emulator not delivered");
                        }
                        await(fromClients, "GOT " + marker);
                    }
                    long handler = cpu.getProcessCpuTime() - handlerBefore;
                    toGateway.println("cpu");
                    long emulator = Long.parseLong(await(fromGateway, "CPU ").substring(4)) - emulatorBefore;
                    if (measured >= 0) {
                        emulatorMicros[measured] = emulator / 1e3 / (rounds * ids.size());
                        handlerMicros[measured] = handler / 1e3 / (rounds * ids.size());
                    }
                }
                Arrays.sort(emulatorMicros);
                Arrays.sort(handlerMicros);
                System.out.printf("%-18s emulator CPU per post: median %6.1f µs (min %.1f, max %.1f); posting side %.1f µs "
                                + "(%d clients, %d posts per round)%n", "emulator", emulatorMicros[ROUNDS / 2],
                        emulatorMicros[0], emulatorMicros[ROUNDS - 1], handlerMicros[ROUNDS / 2], ids.size(),
                        rounds * ids.size());
            }
        } finally {
            gateway.getOutputStream().close();
            gateway.destroy();
            if (clients != null) {
                clients.getOutputStream().close();
                clients.destroy();
            }
        }
    }

    /** The next line of a child's output that starts with {@code prefix} (others, e.g. JVM notices, are skipped). */
    private static String await(BufferedReader from, String prefix) throws java.io.IOException {
        for (String line; (line = from.readLine()) != null; ) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new IllegalStateException("a child process ended before printing " + prefix);
    }

    /** This process's CPU time in the kernel so far, in clock ticks (Linux: /proc/self/stat, field 15); 0 elsewhere. */
    private static long systemTicks() {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[12]);
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Shaped and sized like an event frame of the fan-out benchmark. */
    private static String frame() {
        return "{\"type\":\"event\",\"event\":\"bench.tick\",\"room\":\"workspace:bench\",\"seq\":1234,\"epoch\":\"e-7f3a9c\","
                + "\"eventId\":\"0b6f3c1e-8d2a-4c55-9e0f-5a7b3c2d1e4f\",\"publishedAt\":\"2026-12-01T22:00:00.000Z\","
                + "\"correlationId\":\"bench-42\",\"data\":{\"i\":42,\"sentAt\":1764626400000,\"text\":\"the quick brown fox "
                + "jumps over the lazy dog\"}}";
    }

    /** A way of posting frames, measured as a whole. */
    private interface Subject extends AutoCloseable {
        /** Posts {@code n} frames to rotating connection ids; returns how many were not delivered. */
        int post(int n, String frame) throws Exception;

        @Override
        void close();

        static Subject of(String variant, URI endpoint) {
            var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
            return switch (variant) {
                case "before" -> new ThreadPerPost(sdk(ApacheClients.asServicesBuiltIt(), endpoint, credentials));
                case "sdk-apache" -> new Pooled(sdk(ApacheClients.asServicesBuiltIt(), endpoint, credentials));
                case "sdk-urlconnection" -> new Pooled(sdk(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(2)).socketTimeout(Duration.ofSeconds(10)).build(), endpoint,
                        credentials));
                case "sdk-floor" -> new Pooled(sdk(new NoIoHttpClient(), endpoint, credentials));
                case "direct" -> new Pooled(new DirectPostSender(endpoint, "us-east-1", credentials,
                        new DirectPostSender.Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(10)), CONCURRENCY,
                        Clock.systemUTC()));
                default -> throw new IllegalArgumentException("unknown variant " + variant + "; one of " + VARIANTS);
            };
        }

        private static ConnectionSender sdk(SdkHttpClient http, URI endpoint, StaticCredentialsProvider credentials) {
            return new ManagementApiSender(ApiGatewayManagementApiClient.builder().region(Region.US_EAST_1)
                    .credentialsProvider(credentials).httpClient(http).endpointOverride(endpoint).build());
        }
    }

    private static String connectionId(int i) {
        return "QmVuY2g" + (i % 1000) + "=";
    }

    /** The production posting path: the fixed pool with its in-flight bound. */
    private record Pooled(Poster poster) implements Subject {
        Pooled(ConnectionSender sender) {
            this(new Poster(sender, CONCURRENCY));
        }

        @Override
        public int post(int n, String frame) {
            var batch = poster.batch();
            for (int i = 0; i < n; i++) {
                batch.post(connectionId(i), frame);
            }
            var outcome = batch.finish();
            return n - outcome.delivered();
        }

        @Override
        public void close() {
            poster.close();
        }
    }

    /** The fan-out's posting loop until issue 14, kept here for the before figure: a new virtual thread per post. */
    private record ThreadPerPost(ConnectionSender sender) implements Subject {
        @Override
        public int post(int n, String frame) {
            var failed = new java.util.concurrent.atomic.AtomicInteger();
            var inFlight = new Semaphore(CONCURRENCY);
            try (var posts = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < n; i++) {
                    String id = connectionId(i);
                    inFlight.acquireUninterruptibly();
                    posts.execute(() -> {
                        try {
                            if (sender.send(id, frame) != dev.pulse.delivery.SendResult.DELIVERED) {
                                failed.incrementAndGet();
                            }
                        } finally {
                            inFlight.release();
                        }
                    });
                }
            }
            return failed.get();
        }

        @Override
        public void close() {
        }
    }

    /** The Apache client exactly as {@code Services} configured it until issue 14. */
    private static final class ApacheClients {
        static SdkHttpClient asServicesBuiltIt() {
            return ApacheHttpClient.builder().maxConnections(CONCURRENCY + 16).expectContinueEnabled(false)
                    .connectionTimeout(Duration.ofSeconds(2)).socketTimeout(Duration.ofSeconds(10)).build();
        }
    }

    /** Answers every request 200 with no body and no I/O: what remains is the SDK's own pipeline. */
    private static final class NoIoHttpClient implements SdkHttpClient {
        private static final SdkHttpResponse OK = SdkHttpResponse.builder().statusCode(200)
                .putHeader("Content-Type", "application/json").putHeader("Content-Length", "0").build();

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() throws java.io.IOException {
                    if (request.contentStreamProvider().isPresent()) {
                        request.contentStreamProvider().get().newStream().readAllBytes();
                    }
                    return HttpExecuteResponse.builder().response(OK)
                            .responseBody(AbortableInputStream.create(new java.io.ByteArrayInputStream(new byte[0]))).build();
                }

                @Override
                public void abort() {
                }
            };
        }

        @Override
        public void close() {
        }
    }

    private PostBenchmark() {
    }
}
