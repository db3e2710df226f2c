package dev.pulse.local;

import java.time.Duration;

/**
 * The rate limiter's windows are fixed on the wall clock (a 5-second window runs from each multiple of 5 s): requests
 * that straddle a window's end are counted in two windows, and a test's "the next one is refused" then fails. A test
 * that counts requests first waits until enough of a window is left.
 */
final class FixedWindows {
    private FixedWindows() {
    }

    /** Returns once at least {@code needed} of the current {@code window} is left, waiting for the next if not. */
    static void awaitRoom(Duration window, Duration needed) throws InterruptedException {
        long length = window.toMillis();
        long left = length - Math.floorMod(System.currentTimeMillis(), length);
        if (left < needed.toMillis()) {
            Thread.sleep(left + 20);
        }
    }
}
