package dev.pulse.local.gateway;

/**
 * Why a {@code @connections} call was not authenticated: answered 403 with {@code x-amzn-ErrorType} set to
 * {@link #errorType()} and {@code {"message": …}}, the shape API Gateway uses for SigV4 failures.
 */
final class SignatureRefused extends Exception {
    static final String MISSING_TOKEN = "MissingAuthenticationTokenException";
    static final String INCOMPLETE = "IncompleteSignatureException";
    static final String INVALID = "InvalidSignatureException";
    static final String UNRECOGNIZED_CLIENT = "UnrecognizedClientException";

    private final String errorType;

    private SignatureRefused(String errorType, String message) {
        // Refusals are routine answers, not bugs: no stack trace.
        super(message, null, false, false);
        this.errorType = errorType;
    }

    static SignatureRefused missing() {
        return new SignatureRefused(MISSING_TOKEN, "Missing Authentication Token");
    }

    static SignatureRefused incomplete(String message) {
        return new SignatureRefused(INCOMPLETE, message);
    }

    static SignatureRefused invalid(String message) {
        return new SignatureRefused(INVALID, message);
    }

    static SignatureRefused unrecognizedClient() {
        return new SignatureRefused(UNRECOGNIZED_CLIENT, "The security token included in the request is invalid.");
    }

    String errorType() {
        return errorType;
    }
}
