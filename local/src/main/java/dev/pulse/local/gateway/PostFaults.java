package dev.pulse.local.gateway;

/**
 * A test-only fault switch of the emulated {@code @connections} API: which POSTs to answer with an error instead of
 * delivering them, as API Gateway does when it throttles ({@code 429 LimitExceededException}) or fails
 * ({@code 5xx InternalServerErrorException}). The signature is still checked and the body read first. Off (every post
 * delivered) unless a test sets one with {@link WebSocketGateway#failPosts}; nothing in the local runtime does.
 */
@FunctionalInterface
public interface PostFaults {
    PostFaults NONE = connectionId -> 0;

    /** The status to answer this POST with (429, or 500 to 599), or 0 to deliver it. Called once per POST. */
    int statusFor(String connectionId);
}
