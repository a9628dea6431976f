package io.septum.enforcer.datapath.netns;

import io.septum.enforcer.datapath.BpfException;
import io.septum.enforcer.datapath.libbpf.Errno;
import io.septum.enforcer.datapath.libbpf.Native;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs code inside a named network namespace ({@code ip netns add NAME}, i.e. /var/run/netns/NAME).
 *
 * <p>{@code setns(2)} moves only the calling OS thread. Each call therefore runs its task on a fresh platform
 * thread that enters the namespace and ends with the task: no thread ever returns to a pool, or runs another
 * task, in the wrong namespace. (Never a virtual thread: its carrier would change namespace under other
 * virtual threads.) The cost is a thread start per call, fine for set-up work such as attaching programs or
 * opening sockets.
 *
 * <p>What the task creates stays in the namespace: a socket opened in the task keeps working from any thread
 * afterwards. Open it inside the task (a channel's {@code open()} or a binding constructor such as
 * {@code new ServerSocket(port, backlog, address)}): an unbound {@code new Socket()} may create its file
 * descriptor lazily, later, on another thread.
 */
public final class NetworkNamespace {

    /** Where iproute2 keeps named namespaces. */
    public static final Path NETNS_DIRECTORY = Path.of("/var/run/netns");

    /** A task that returns a value and may throw {@code X}. */
    @FunctionalInterface
    public interface Task<T, X extends Exception> {
        T call() throws X;
    }

    /** A task that returns nothing and may throw {@code X}. */
    @FunctionalInterface
    public interface VoidTask<X extends Exception> {
        void run() throws X;
    }

    private NetworkNamespace() {
    }

    public static Path path(String netnsName) {
        if (netnsName.isEmpty() || netnsName.contains("/") || netnsName.equals(".") || netnsName.equals("..")) {
            throw new IllegalArgumentException("not a network namespace name: '" + netnsName + "'");
        }
        return NETNS_DIRECTORY.resolve(netnsName);
    }

    public static boolean exists(String netnsName) {
        return Files.exists(path(netnsName));
    }

    /**
     * Runs {@code task} inside {@code netnsName} and returns its result. Its exception is rethrown here as
     * is, with the caller's stack attached as a suppressed exception.
     *
     * @throws BpfException if the namespace cannot be entered
     */
    public static <T, X extends Exception> T call(String netnsName, Task<T, X> task) throws X {
        Path path = path(netnsName);
        Outcome<T> outcome = new Outcome<>();
        Thread thread = Thread.ofPlatform().name("netns-" + netnsName).daemon(true).unstarted(() -> {
            try {
                enter(path);
                outcome.value = task.call();
            } catch (Throwable t) {
                outcome.failure = t;
            }
        });
        thread.start();
        joinUninterruptibly(thread);
        if (outcome.failure != null) {
            outcome.failure.addSuppressed(new CalledFrom(netnsName));
            throw NetworkNamespace.<X>sneaky(outcome.failure);
        }
        return outcome.value;
    }

    /** {@link #call} for a task without a result. */
    public static <X extends Exception> void run(String netnsName, VoidTask<X> task) throws X {
        call(netnsName, () -> {
            task.run();
            return null;
        });
    }

    private static void enter(Path path) {
        try (Arena arena = Arena.ofConfined()) {
            int fd = Native.open(arena.allocateFrom(path.toString()), Native.O_RDONLY | Native.O_CLOEXEC);
            if (fd < 0) {
                throw new BpfException("enter network namespace", path.toString(), Errno.last());
            }
            try {
                if (Native.setns(fd, Native.CLONE_NEWNET) != 0) {
                    throw new BpfException("enter network namespace", path.toString(), Errno.last());
                }
            } finally {
                Native.close(fd);
            }
        }
    }

    private static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Rethrows what the task threw: its checked exceptions are of type X by its signature. */
    @SuppressWarnings("unchecked")
    private static <X extends Throwable> X sneaky(Throwable t) throws X {
        throw (X) t;
    }

    private static final class Outcome<T> {
        T value;
        Throwable failure;
    }

    /** Marks where a task that failed in another namespace was called from. */
    private static final class CalledFrom extends Exception {
        CalledFrom(String netnsName) {
            super("task in network namespace " + netnsName + " called from here");
        }
    }
}
