package dev.pulse.delivery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 answer, parsed from the bytes read so far: {@link #parse} returns null until the answer is complete
 * (its head, then its body by {@code Content-Length} or chunked encoding). Answers to posts are a few hundred bytes,
 * so parsing again from the start when more bytes arrive costs less than keeping parser state.
 *
 * @param status    the status code
 * @param errorType {@code x-amzn-ErrorType}, or empty
 * @param body      the body as text
 * @param keepAlive whether the connection may carry another request
 * @param length    how many bytes the answer took
 */
record HttpAnswer(int status, String errorType, String body, boolean keepAlive, int length) {
    static final int MAX_HEAD = 64 * 1024;

    static HttpAnswer parse(byte[] b, int length) throws IOException {
        int end = headEnd(b, length);
        if (end < 0) {
            if (length > MAX_HEAD) {
                throw new IOException("answer head larger than " + MAX_HEAD + " bytes");
            }
            return null;
        }
        String head = new String(b, 0, end, StandardCharsets.ISO_8859_1);
        int space = head.indexOf(' ');
        if (!head.startsWith("HTTP/1.") || space < 0 || head.length() < space + 4) {
            throw new IOException("not an HTTP/1.x answer: " + head.lines().findFirst().orElse(""));
        }
        int status;
        try {
            status = Integer.parseInt(head, space + 1, space + 4, 10);
        } catch (NumberFormatException e) {
            throw new IOException("bad status line: " + head.lines().findFirst().orElse(""));
        }
        long contentLength = -1;
        boolean chunked = false;
        String errorType = "";
        boolean keepAlive = head.startsWith("HTTP/1.1");
        int line = head.indexOf("\r\n");
        while (line >= 0 && line < end) {
            int from = line + 2;
            int to = head.indexOf("\r\n", from);
            if (to < 0) {
                to = end;
            }
            int colon = head.indexOf(':', from);
            if (colon > from && colon < to) {
                String name = head.substring(from, colon).trim().toLowerCase(Locale.ROOT);
                String value = head.substring(colon + 1, to).trim();
                switch (name) {
                    case "content-length" -> contentLength = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "connection" -> keepAlive = value.equalsIgnoreCase("keep-alive")
                            || (keepAlive && !value.equalsIgnoreCase("close"));
                    case "x-amzn-errortype" -> errorType = value;
                    default -> {
                    }
                }
            }
            line = to < end ? to : -1;
        }
        int bodyStart = end + 4;
        if (status == 204 || status == 304 || (status >= 100 && status < 200)) {
            return new HttpAnswer(status, errorType, "", keepAlive, bodyStart);
        }
        if (chunked) {
            return chunked(b, length, bodyStart, status, errorType, keepAlive);
        }
        if (contentLength < 0) {
            throw new IOException("answer without Content-Length or chunked encoding");
        }
        if (length - bodyStart < contentLength) {
            return null;
        }
        int n = Math.toIntExact(contentLength);
        return new HttpAnswer(status, errorType, new String(b, bodyStart, n, StandardCharsets.UTF_8), keepAlive,
                bodyStart + n);
    }

    private static HttpAnswer chunked(byte[] b, int length, int at, int status, String errorType, boolean keepAlive)
            throws IOException {
        var body = new java.io.ByteArrayOutputStream();
        while (true) {
            int eol = lineEnd(b, at, length);
            if (eol < 0) {
                return null;
            }
            String sizeLine = new String(b, at, eol - at, StandardCharsets.ISO_8859_1);
            int semicolon = sizeLine.indexOf(';');
            int size;
            try {
                size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size: " + sizeLine);
            }
            at = eol + 2;
            if (size == 0) {
                // Trailers, if any, end with an empty line.
                while (true) {
                    int trailer = lineEnd(b, at, length);
                    if (trailer < 0) {
                        return null;
                    }
                    boolean empty = trailer == at;
                    at = trailer + 2;
                    if (empty) {
                        return new HttpAnswer(status, errorType, body.toString(StandardCharsets.UTF_8), keepAlive, at);
                    }
                }
            }
            if (length - at < size + 2) {
                return null;
            }
            body.write(b, at, size);
            at += size + 2;
        }
    }

    private static int lineEnd(byte[] b, int from, int length) {
        for (int i = from; i + 1 < length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int headEnd(byte[] b, int length) {
        for (int i = 3; i < length; i++) {
            if (b[i] == '\n' && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r') {
                return i - 3;
            }
        }
        return -1;
    }
}
