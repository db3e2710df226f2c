package dev.pulse.local;

import java.time.Instant;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./pulse local}: starts the whole system on this machine and prints how to use it. Events are validated
 * only when PULSE_CATALOG names a catalog, as a deployment validates only with {@code -c catalog}
 * ({@link LocalSettings#fromEnvironment}).
 */
public final class LocalRuntime {
    private LocalRuntime() {
    }

    public static void main(String[] args) throws InterruptedException {
        var settings = LocalSettings.fromEnvironment(System.getenv());
        var system = LocalSystem.start(settings);
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            system.close();
            stopped.countDown();
        }));
        System.out.print(StartupBanner.text(system, settings, Instant.now()));
        stopped.await();
    }
}
