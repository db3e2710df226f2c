package dev.pulse.delivery;

/**
 * One post at a time with the fan-out's retry rule: a {@link SendResult#RETRYABLE} answer is tried again after a
 * pause, up to {@link PostRetries#attempts()} in all (what the SDK's own retries did for replies before the direct
 * path). For the single posts of the handlers (replies, sync pages, signals); the fan-out retries in rounds instead.
 */
public final class RetryingSender implements ConnectionSender {
    private final ConnectionSender sender;
    private final PostRetries retries;

    public RetryingSender(ConnectionSender sender, PostRetries retries) {
        this.sender = sender;
        this.retries = retries;
    }

    @Override
    public SendResult send(String connectionId, String frame) {
        SendResult result = sender.send(connectionId, frame);
        for (int attempt = 2; attempt <= retries.attempts() && result == SendResult.RETRYABLE; attempt++) {
            retries.backoff().pause(attempt - 1);
            result = sender.send(connectionId, frame);
        }
        return result;
    }
}
