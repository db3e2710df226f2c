package dev.pulse.publish;

import java.util.List;
import java.util.stream.Collectors;

/**
 * EventBridge accepted the PutEvents call but rejected some entries ({@code FailedEntryCount > 0}). Entries
 * not listed in {@link #failures()} were published. Sending the same requests again is safe: event ids are
 * fixed when a request is created and the fan-out drops duplicates.
 */
public final class PublishException extends RuntimeException {
    /** One rejected entry, with EventBridge's error code (e.g. {@code MalformedDetail}) and message. */
    public record Failure(String eventId, String errorCode, String errorMessage) {
    }

    private final List<Failure> failures;
    private final List<String> publishedEventIds;

    public PublishException(List<Failure> failures, List<String> publishedEventIds) {
        super(describe(failures, publishedEventIds));
        if (failures.isEmpty()) {
            throw new IllegalArgumentException("a PublishException needs at least one failure");
        }
        this.failures = List.copyOf(failures);
        this.publishedEventIds = List.copyOf(publishedEventIds);
    }

    /** EventBridge's error code for the first rejected entry. */
    public String errorCode() {
        return failures.getFirst().errorCode();
    }

    /** EventBridge's error message for the first rejected entry. */
    public String errorMessage() {
        return failures.getFirst().errorMessage();
    }

    public List<Failure> failures() {
        return failures;
    }

    /** Event ids of the entries of the same call that EventBridge did accept. */
    public List<String> publishedEventIds() {
        return publishedEventIds;
    }

    private static String describe(List<Failure> failures, List<String> published) {
        return "EventBridge rejected " + failures.size() + " of " + (failures.size() + published.size())
                + " entries: " + failures.stream()
                .map(f -> f.eventId() + " " + f.errorCode() + ": " + f.errorMessage())
                .collect(Collectors.joining("; "));
    }
}
