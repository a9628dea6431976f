package io.septum.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** The checkout the benchmarks run from: the folder holding the {@code septum} launcher. */
public final class Repo {

    private Repo() {
    }

    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("septum"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the Septum checkout (a folder with ./septum) above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /** Runtime folder of the benchmarks (logs, lab state, compiled tools), apart from a demo's and the tests'. */
    public static Path runDirectory() {
        return root().resolve(".run/bench");
    }

    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
