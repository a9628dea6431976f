package io.septum.enforcer.datapath;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The pin directory of one privileged test class, /sys/fs/bpf/septum/NAME with NAME starting "septest-dp":
 * leftovers of an interrupted run are removed when it is claimed, and everything it created when it is released
 * (the septum directory too, if this test made it and nobody else pins there now).
 */
public final class TestPins {

    private static final Path ROOT = DatapathConfig.DEFAULT_PIN_ROOT;

    private final Path directory;
    private final boolean rootCreated;

    private TestPins(Path directory, boolean rootCreated) {
        this.directory = directory;
        this.rootCreated = rootCreated;
    }

    public static TestPins claim(String name) {
        if (!name.startsWith("septest-dp")) {
            throw new IllegalArgumentException("test pin directories are named septest-dp*: " + name);
        }
        Path directory = ROOT.resolve(name);
        TestPins pins = new TestPins(directory, !Files.exists(ROOT));
        Datapath.removePins(directory);
        return pins;
    }

    public Path directory() {
        return directory;
    }

    /**
     * Closes {@code first} in order (nulls skipped: a fixture that failed half-way), then releases {@code pins};
     * everything is attempted even when something fails.
     */
    public static void release(TestPins pins, AutoCloseable... first) {
        RuntimeException failure = null;
        for (AutoCloseable resource : first) {
            try {
                if (resource != null) {
                    resource.close();
                }
            } catch (Exception e) {
                failure = failure != null ? failure : new IllegalStateException("tear down " + resource, e);
            }
        }
        if (pins != null) {
            pins.release();
        }
        if (failure != null) {
            throw failure;
        }
    }

    public void release() {
        Datapath.removePins(directory);
        if (rootCreated) {
            try {
                Files.deleteIfExists(ROOT);
            } catch (DirectoryNotEmptyException e) {
                // someone else pins there now: theirs to remove
            } catch (IOException e) {
                throw new IllegalStateException("remove " + ROOT, e);
            }
        }
    }

    /** Privileged tests skip (with this reason) when not run as root. */
    public static boolean isRoot() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
