package dev.pulse.local;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One local system for every end-to-end test class in the JVM (starting one takes seconds): started on
 * first use, closed when JUnit finishes. Test classes keep apart by using their own workspaces.
 * Use with {@code @ExtendWith(SharedLocalSystem.class)} and {@link #get()}.
 */
final class SharedLocalSystem implements BeforeAllCallback {
    private static LocalSystem system;

    @Override
    public void beforeAll(ExtensionContext context) {
        synchronized (SharedLocalSystem.class) {
            if (system == null) {
                system = LocalSystem.start(LocalSettings.ephemeral());
                ExtensionContext.Store.CloseableResource closer = () -> {
                    synchronized (SharedLocalSystem.class) {
                        system.close();
                        system = null;
                    }
                };
                context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put(SharedLocalSystem.class, closer);
            }
        }
    }

    static synchronized LocalSystem get() {
        if (system == null) {
            throw new IllegalStateException("annotate the test class with @ExtendWith(SharedLocalSystem.class)");
        }
        return system;
    }
}
