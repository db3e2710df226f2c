package dev.pulse.catalog;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The local dead-letter path: refused events kept in memory, oldest first, for tests and the local runtime. */
public final class InMemoryDeadLetters implements DeadLetterSink {
    private final List<Rejection> rejections = new CopyOnWriteArrayList<>();

    @Override
    public void accept(Rejection rejection) {
        rejections.add(rejection);
    }

    /** Every refused event so far, oldest first. */
    public List<Rejection> all() {
        return List.copyOf(rejections);
    }
}
