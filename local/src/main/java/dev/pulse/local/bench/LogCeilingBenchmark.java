package dev.pulse.local.bench;

import dev.pulse.local.dynamodb.EmbeddedDynamoDb;
import dev.pulse.model.EventContent;
import dev.pulse.model.Room;
import dev.pulse.store.DeliveryMarks;
import dev.pulse.store.EventLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What the event log alone can take on DynamoDB Local, with nothing else on the machine's cores: the real
 * {@link EventLog} (group commit, one TransactWriteItems per gathering) and {@link DeliveryMarks}, appending chat-sized
 * events round robin over R rooms from C concurrent publishers for S seconds, the way the fan-out does, with (1) no
 * delivery mark, (2) a mark per event, (3) a mark per batch of ten. This is the ceiling of the local stack's
 * throughput (./pulse bench-throughput): every delivered event is first appended here, and DynamoDB Local runs a
 * table's writes one at a time, at a cost per item of a transaction (docs/BENCHMARKS.md).
 *
 * <p>Run: {@code ./pulse bench-log 100 60 10} (rooms, concurrent appends, seconds per case); {@code ./pulse bench-log
 * 1 60 10} is one hot room.
 */
public final class LogCeilingBenchmark {
    private static final String DATA = "{\"text\":\"" + "x".repeat(200) + "\"}";

    private enum Marks { NONE, PER_EVENT, PER_BATCH }

    public static void main(String[] args) throws Exception {
        int rooms = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        System.out.printf("machine: %d cores, java %s; load %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), LoadAverage.now());
        try (var db = EmbeddedDynamoDb.start(0);
             var dynamo = DynamoDbClient.builder().endpointOverride(db.endpoint()).region(Region.US_EAST_1)
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                     .httpClient(ApacheHttpClient.builder().maxConnections(concurrency + 8).build()).build()) {
            var results = new ArrayList<String>();
            // A first round of each warms the JIT; the second is reported.
            for (int round = 0; round < 2; round++) {
                for (var marks : Marks.values()) {
                    String table = "pulse-events-" + marks.name().toLowerCase() + "-" + round;
                    db.createEventsTable(table, Region.US_EAST_1);
                    double rate = run(dynamo, table, rooms, concurrency, seconds, marks);
                    if (round == 1) {
                        results.add(String.format("%-10s %,8.0f events/s appended", marks, rate));
                    }
                }
            }
            System.out.printf("%n== event log on DynamoDB Local: %d rooms round robin, %d appends in flight, %d s per case"
                    + " ==%n", rooms, concurrency, seconds);
            results.forEach(System.out::println);
            System.out.printf("load average after %s%n", LoadAverage.now());
        }
        System.exit(0); // DynamoDB Local leaves non-daemon threads behind
    }

    private static double run(DynamoDbClient dynamo, String table, int rooms, int concurrency, int seconds, Marks marks)
            throws InterruptedException {
        var log = new EventLog(dynamo, table, Duration.ofHours(1), Clock.systemUTC());
        var deliveryMarks = new DeliveryMarks(dynamo, table, Duration.ofHours(1), Clock.systemUTC());
        var appended = new AtomicLong();
        var next = new AtomicLong();
        var slots = new Semaphore(concurrency);
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        long start = System.nanoTime();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            while (System.nanoTime() < end) {
                // Ten appends at a time, as one fan-out batch of ten records (each on its own thread).
                slots.acquire(10);
                var batch = marks == Marks.PER_BATCH ? deliveryMarks.batch() : null;
                var gate = log.gate(10);
                var records = new ArrayList<java.util.concurrent.Future<?>>(10);
                for (int i = 0; i < 10; i++) {
                    long k = next.getAndIncrement();
                    var room = new Room("bench", "chat:r" + (k % rooms));
                    var event = new EventContent(UUID.randomUUID().toString(), "chat.message", Instant.now(), null, DATA);
                    java.util.concurrent.Callable<Void> work = () -> {
                        String mark = deliveryMarks.currentMark();
                        log.appendAll(List.of(room), event, "d-" + k, mark);
                        switch (marks) {
                            case PER_EVENT -> deliveryMarks.markDelivered("bench", event.eventId());
                            case PER_BATCH -> deliveryMarks.markDelivered("bench", event.eventId(), mark);
                            case NONE -> { }
                        }
                        appended.incrementAndGet();
                        return null;
                    };
                    records.add(threads.submit(() -> gate.enter(batch == null ? work : () -> batch.enter(work))));
                }
                threads.submit(() -> {
                    try {
                        for (var record : records) {
                            record.get();
                        }
                        if (batch != null) {
                            batch.close();
                        }
                    } finally {
                        gate.close();
                        slots.release(10);
                    }
                    return null;
                });
            }
        }
        return appended.get() / ((System.nanoTime() - start) / 1e9);
    }
}
