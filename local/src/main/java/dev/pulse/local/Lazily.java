package dev.pulse.local;

import java.util.function.Supplier;

/**
 * A value made on first use and kept: the development endpoints' publishers, whose bus is bound after the endpoints
 * are (two made at once by a race are equal, and one is kept).
 */
final class Lazily<T> implements Supplier<T> {
    private final Supplier<T> make;
    private volatile T value;

    Lazily(Supplier<T> make) {
        this.make = make;
    }

    @Override
    public T get() {
        T v = value;
        if (v == null) {
            v = make.get();
            value = v;
        }
        return v;
    }
}
