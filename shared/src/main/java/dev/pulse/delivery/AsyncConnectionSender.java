package dev.pulse.delivery;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** A sender that needs no waiting thread per post in flight: it says later what became of each. */
public interface AsyncConnectionSender extends ConnectionSender {
    /** Posts one frame; {@code done} is told once, possibly on another thread: keep it short and never block in it. */
    void sendAsync(String connectionId, String frame, Consumer<SendResult> done);

    @Override
    default SendResult send(String connectionId, String frame) {
        var result = new CompletableFuture<SendResult>();
        sendAsync(connectionId, frame, result::complete);
        return result.join();
    }
}
