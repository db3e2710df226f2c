package dev.pulse.local.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Outgoing messages are cut into frames by UTF-8 size, never inside a character. */
class Utf8PiecesTest {

    @Test
    void textThatFitsIsOnePiece() {
        assertEquals(List.of("héllo"), Utf8Pieces.of("héllo", 6));
        assertEquals(List.of(""), Utf8Pieces.of("", 8));
    }

    @Test
    void piecesStayWithinTheLimitAndKeepEveryCharacterWhole() {
        String text = "a".repeat(7) + "😀" + "é".repeat(5) + "✓"; // 1-, 4-, 2- and 3-byte characters
        List<String> pieces = Utf8Pieces.of(text, 8);
        assertEquals(List.of("aaaaaaa", "😀éé", "ééé", "✓"), pieces);
        assertEquals(text, String.join("", pieces));
        pieces.forEach(p -> assertEquals(true, p.getBytes(StandardCharsets.UTF_8).length <= 8, p));
    }
}
