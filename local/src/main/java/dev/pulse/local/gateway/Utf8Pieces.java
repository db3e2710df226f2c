package dev.pulse.local.gateway;

import java.util.ArrayList;
import java.util.List;

/** Cuts text into pieces whose UTF-8 encoding is at most a given size, never inside a character. */
final class Utf8Pieces {
    private Utf8Pieces() {
    }

    /** @return the text itself as the only piece when it fits */
    static List<String> of(String text, int maxBytes) {
        if (maxBytes < 4) {
            throw new IllegalArgumentException("a piece must hold any character (4 bytes), was " + maxBytes);
        }
        var pieces = new ArrayList<String>();
        int start = 0;
        int bytes = 0;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            int size = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
            if (bytes + size > maxBytes) {
                pieces.add(text.substring(start, i));
                start = i;
                bytes = 0;
            }
            bytes += size;
            i += Character.charCount(codePoint);
        }
        pieces.add(text.substring(start));
        return pieces;
    }
}
