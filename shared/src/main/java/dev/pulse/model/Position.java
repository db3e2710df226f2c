package dev.pulse.model;

import java.util.Objects;

/**
 * A place in one room's event stream: the sequence number of an event and the epoch of the stream it
 * belongs to. Sequences start at 1 and have no gaps within an epoch; a new epoch means the room's
 * history was lost (it expired entirely) and numbering restarted.
 */
public record Position(long seq, String epoch) {
    public Position {
        if (seq < 0) {
            throw new IllegalArgumentException("seq must not be negative, got " + seq);
        }
        Objects.requireNonNull(epoch, "epoch");
    }
}
