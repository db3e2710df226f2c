package dev.pulse.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;

/**
 * Reads client frames (wire protocol v1, events-schema/PROTOCOL.md). Checks the envelope only; what an action
 * does with its data, and whether the action exists, is the handler's business.
 */
public final class FrameParser {
    /** Longest request id, in Unicode code points (as JSON Schema's maxLength counts). */
    public static final int MAX_ID_LENGTH = 64;

    // Trailing tokens and duplicate keys make a frame ambiguous (which "action" did the client mean?), so both are
    // rejected rather than resolved silently. ObjectReader is immutable and thread-safe.
    private static final ObjectReader READER = Json.MAPPER.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private FrameParser() {
    }

    public static ClientFrame parse(String body) throws ProtocolException {
        JsonNode root = readObject(body);
        String id = readId(root.get("id"));

        JsonNode action = root.get("action");
        if (action == null || !action.isTextual() || action.textValue().isEmpty()) {
            throw new ProtocolException(ErrorCode.INVALID_FRAME, "action must be a non-empty string", id);
        }
        JsonNode data = root.get("data");
        if (data != null && !data.isObject()) {
            throw new ProtocolException(ErrorCode.INVALID_FRAME, "data must be an object when present", id);
        }
        return new ClientFrame(action.textValue(), id, data);
    }

    /**
     * The request id of a frame that will not be parsed (an over-size one), so its error can still be a reply the
     * client is waiting for: streams the top-level fields until {@code id} and stops there, without building the
     * frame. Null when the frame is not a JSON object, has no {@code id} among its top-level fields, or the id is
     * not a string of 1-{@value #MAX_ID_LENGTH} characters (then the client gets an error frame instead).
     */
    public static String peekId(String body) {
        if (body == null) {
            return null;
        }
        try (var parser = Json.MAPPER.getFactory().createParser(body)) {
            if (parser.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                var value = parser.nextToken();
                if ("id".equals(name)) {
                    if (value != com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
                        return null;
                    }
                    String id = parser.getText();
                    int length = id.codePointCount(0, id.length());
                    return length >= 1 && length <= MAX_ID_LENGTH ? id : null;
                }
                parser.skipChildren();
            }
            return null;
        } catch (java.io.IOException e) {
            return null; // not JSON up to the id: nothing to echo
        }
    }

    /** The string field {@code field} of the frame's data, or INVALID_FRAME naming it (with the frame's id). */
    public static String requiredString(ClientFrame frame, String field) throws ProtocolException {
        JsonNode value = frame.data().get(field);
        if (value == null || !value.isTextual()) {
            throw new ProtocolException(ErrorCode.INVALID_FRAME, "data." + field + " must be a string", frame.id());
        }
        return value.textValue();
    }

    private static JsonNode readObject(String body) throws ProtocolException {
        if (body == null) {
            throw new ProtocolException(ErrorCode.MALFORMED_FRAME, "frame is empty");
        }
        JsonNode root;
        try {
            root = READER.readTree(body);
        } catch (JsonProcessingException e) {
            // Jackson's message may quote the input; the client has that already, so keep the answer short.
            throw new ProtocolException(ErrorCode.MALFORMED_FRAME, "frame is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new ProtocolException(ErrorCode.MALFORMED_FRAME, "frame must be a JSON object");
        }
        return root;
    }

    private static String readId(JsonNode id) throws ProtocolException {
        if (id == null) {
            return null;
        }
        if (id.isTextual()) {
            String text = id.textValue();
            int length = text.codePointCount(0, text.length());
            if (length >= 1 && length <= MAX_ID_LENGTH) {
                return text;
            }
        }
        // An unusable id cannot be echoed, so this failure is answered with an error frame.
        throw new ProtocolException(ErrorCode.INVALID_FRAME, "id must be a string of 1-" + MAX_ID_LENGTH + " characters");
    }
}
