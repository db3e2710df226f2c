package dev.pulse.delivery;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The local dead-letter path of undelivered posts: kept in memory, oldest first, for tests and the local runtime. */
public final class InMemoryUndelivered implements UndeliveredSink {
    private final List<Undelivered> entries = new CopyOnWriteArrayList<>();

    @Override
    public void accept(Undelivered undelivered) {
        entries.add(undelivered);
    }

    /** Every entry so far, oldest first. */
    public List<Undelivered> all() {
        return List.copyOf(entries);
    }
}
