package dev.pulse.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Answers as API Gateway (and the emulator, and proxies in between) send them, whole and cut at every byte. */
class HttpAnswerTest {
    private static HttpAnswer parse(String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return HttpAnswer.parse(b, b.length);
    }

    /** Every prefix of a complete answer is incomplete (null), and the whole one parses. */
    private static HttpAnswer whole(String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i++) {
            assertNull(HttpAnswer.parse(b, i), "complete after " + i + " of " + b.length + " bytes?");
        }
        return HttpAnswer.parse(b, b.length);
    }

    @Test
    void anEmptyOkKeepsTheConnection() throws IOException {
        var answer = whole("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 0\r\n\r\n");
        assertEquals(200, answer.status());
        assertEquals("", answer.body());
        assertTrue(answer.keepAlive());
    }

    @Test
    void anErrorCarriesItsTypeAndBody() throws IOException {
        String text = "HTTP/1.1 410 Gone\r\nx-amzn-ErrorType: GoneException:http://internal.amazon.com/\r\n"
                + "Content-Length: 15\r\n\r\n{\"message\":null}";
        var answer = parse(text);
        assertEquals(410, answer.status());
        assertEquals("GoneException:http://internal.amazon.com/", answer.errorType());
        assertEquals("{\"message\":null", answer.body(), "exactly Content-Length bytes");
        assertEquals(text.length() - 1, answer.length(), "the byte after the body belongs to the next answer");
    }

    @Test
    void aChunkedBodyIsJoined() throws IOException {
        var answer = whole("HTTP/1.1 429 Too Many Requests\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\n{\"mes\r\n8\r\nsage\":1}\r\n0\r\nX-Trailer: t\r\n\r\n");
        assertEquals(429, answer.status());
        assertEquals("{\"message\":1}", answer.body());
    }

    @Test
    void closeAndHttp10EndTheConnection() throws IOException {
        assertFalse(parse("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").keepAlive());
        assertFalse(parse("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").keepAlive());
        assertTrue(parse("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n").keepAlive());
    }

    @Test
    void garbageIsAnError() {
        assertThrows(IOException.class, () -> parse("SSH-2.0-OpenSSH\r\n\r\n"));
        assertThrows(IOException.class, () -> parse("HTTP/1.1 abc OK\r\n\r\n"));
        assertThrows(IOException.class, () -> parse("HTTP/1.1 200 OK\r\n\r\n"), "no length: cannot tell where it ends");
    }
}
