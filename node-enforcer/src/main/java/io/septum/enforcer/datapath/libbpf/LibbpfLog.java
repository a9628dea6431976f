package io.septum.enforcer.datapath.libbpf;

import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;

/**
 * Routes libbpf's messages to the {@code System.Logger} "io.septum.enforcer.datapath.libbpf" (libbpf WARN as
 * WARNING, INFO as DEBUG, DEBUG as TRACE) instead of stderr, and lets a caller collect the warnings its own
 * thread caused, so a failed load can carry the verifier's complaint in its exception.
 */
public final class LibbpfLog {

    private static final System.Logger LOG = System.getLogger("io.septum.enforcer.datapath.libbpf");
    private static final int LIBBPF_WARN = 0;
    private static final int LIBBPF_INFO = 1;
    /** libbpf prints a whole verifier log in one message; longer messages are cut. */
    private static final int MESSAGE_BYTES = 64 * 1024;
    private static final int CAPTURED_LINES = 60;
    private static final ThreadLocal<Capture> CAPTURE = new ThreadLocal<>();
    private static boolean installed;

    private LibbpfLog() {
    }

    /** Installs the print callback once per process (libbpf's print function is global). */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        try {
            var target = MethodHandles.lookup().findStatic(LibbpfLog.class, "print",
                    MethodType.methodType(int.class, int.class, MemorySegment.class, MemorySegment.class));
            Native.libbpfSetPrint(Native.upcallStub(target, Native.LIBBPF_PRINT_FN, Arena.global()));
            installed = true;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("bind libbpf print callback", e);
        }
    }

    /** Result of {@link #capturing}: the action's value and the libbpf warnings and infos it caused. */
    public record Captured<T>(T value, List<String> lines) {
    }

    private record Capture(Deque<String> lines, boolean quiet) {
    }

    /** Runs {@code action}, collecting the last libbpf WARN/INFO lines this thread produced meanwhile (still logged). */
    public static <T> Captured<T> capturing(Supplier<T> action) {
        return capture(action, false);
    }

    /**
     * Like {@link #capturing} but holds the lines back from the log: for calls whose failures are often
     * expected (the caller decides whether they matter, and puts them in its exception if they do).
     */
    public static <T> Captured<T> quietly(Supplier<T> action) {
        return capture(action, true);
    }

    private static <T> Captured<T> capture(Supplier<T> action, boolean quiet) {
        install();
        Capture previous = CAPTURE.get();
        Capture capture = new Capture(new ArrayDeque<>(), quiet);
        CAPTURE.set(capture);
        try {
            T value = action.get();
            return new Captured<>(value, List.copyOf(capture.lines()));
        } finally {
            CAPTURE.set(previous);
        }
    }

    /** The upcall. Runs inside libbpf: it must never throw. */
    private static int print(int level, MemorySegment format, MemorySegment vaList) {
        try {
            Level mapped = level == LIBBPF_WARN ? Level.WARNING : level == LIBBPF_INFO ? Level.DEBUG : Level.TRACE;
            Capture capture = level <= LIBBPF_INFO ? CAPTURE.get() : null;
            boolean log = (capture == null || !capture.quiet()) && LOG.isLoggable(mapped);
            if (capture == null && !log) {
                return 0;
            }
            String message = format(format, vaList);
            if (capture != null) {
                for (String line : message.split("\n")) {
                    if (capture.lines().size() == CAPTURED_LINES) {
                        capture.lines().removeFirst();
                    }
                    capture.lines().addLast(line);
                }
            }
            if (log) {
                LOG.log(mapped, message);
            }
        } catch (Throwable t) {
            // Nothing may unwind into C; losing a log line is the lesser harm.
        }
        return 0;
    }

    private static String format(MemorySegment format, MemorySegment vaList) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(MESSAGE_BYTES);
            int length = Native.vsnprintf(buffer, MESSAGE_BYTES, format, vaList);
            String message = buffer.getString(0).stripTrailing();
            return length >= MESSAGE_BYTES ? message + " [cut at " + MESSAGE_BYTES + " bytes]" : message;
        }
    }

    /** Lines for an exception message: the captured lines, indented, or nothing. */
    public static String appendix(List<String> lines) {
        if (lines.isEmpty()) {
            return "";
        }
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            out.add("  libbpf: " + line);
        }
        return "\n" + String.join("\n", out);
    }
}
