package dev.pulse.support.log;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Set;

/** Renders a {@link LogLine} as one line of text: a JSON object, or a compact human line for a terminal. */
public sealed interface LineFormat {
    String render(LogLine line);

    static LineFormat of(LogSettings.Format format) {
        return format == LogSettings.Format.TEXT ? new Text() : new Json();
    }

    /**
     * {@code {"timestamp":…,"level":…,"logger":…,"message":…,<fields>,"error":…,"stackTrace":…}}. Newlines in a
     * message or stack trace are escaped, so CloudWatch Logs keeps each line (stack trace included) as one event that
     * Logs Insights can filter by field.
     */
    final class Json implements LineFormat {
        private static final JsonFactory FACTORY = new JsonFactory();

        @Override
        public String render(LogLine line) {
            var out = new StringWriter(256);
            try (JsonGenerator json = FACTORY.createGenerator(out)) {
                json.writeStartObject();
                json.writeStringField("timestamp", DateTimeFormatter.ISO_INSTANT.format(line.time()));
                json.writeStringField("level", line.level().name());
                json.writeStringField("logger", line.logger());
                json.writeStringField("message", line.message());
                for (var field : line.fields().entrySet()) {
                    json.writeFieldName(field.getKey());
                    switch (field.getValue()) {
                        case Integer i -> json.writeNumber(i);
                        case Long l -> json.writeNumber(l);
                        case Double d -> json.writeNumber(d);
                        case Boolean b -> json.writeBoolean(b);
                        case null -> json.writeNull();
                        default -> json.writeString(String.valueOf(field.getValue()));
                    }
                }
                if (line.thrown() != null) {
                    json.writeStringField("error", line.thrown().toString());
                    json.writeStringField("stackTrace", stackTrace(line.thrown()));
                }
                json.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toString();
        }
    }

    /**
     * {@code 23:40:00.123 INFO  connected  connectionId=… userId=alice …}: for reading in a terminal. The ids a person
     * does not read there (request and invocation ids) are left out; the stack trace follows on its own lines.
     */
    final class Text implements LineFormat {
        private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
        private static final Set<String> LEFT_OUT = Set.of(LogField.REQUEST_ID, LogField.INVOCATION_ID);

        @Override
        public String render(LogLine line) {
            var out = new StringBuilder(160).append(TIME.format(line.time())).append(' ')
                    .append(String.format("%-5s", line.level().name())).append(' ').append(line.message());
            line.fields().forEach((key, value) -> {
                if (!LEFT_OUT.contains(key)) {
                    out.append(' ').append(key).append('=').append(value);
                }
            });
            if (line.thrown() != null) {
                out.append(System.lineSeparator()).append(stackTrace(line.thrown()).stripTrailing());
            }
            return out.toString();
        }
    }

    private static String stackTrace(Throwable thrown) {
        var trace = new StringWriter();
        thrown.printStackTrace(new PrintWriter(trace));
        return trace.toString();
    }
}
