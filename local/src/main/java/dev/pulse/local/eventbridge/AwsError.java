package dev.pulse.local.eventbridge;

/**
 * A whole-request failure, answered in the AWS JSON 1.1 error shape ({@code {"__type":…,"message":…}} plus the
 * {@code x-amzn-ErrorType} header), from which the SDK builds its exception and error code.
 */
final class AwsError extends Exception {
    private final int status;
    private final String type;

    AwsError(int status, String type, String message) {
        super(message);
        this.status = status;
        this.type = type;
    }

    static AwsError validation(String message) {
        return new AwsError(400, "ValidationException", message);
    }

    static AwsError serialization(String message) {
        return new AwsError(400, "SerializationException", message);
    }

    int status() {
        return status;
    }

    String type() {
        return type;
    }
}
