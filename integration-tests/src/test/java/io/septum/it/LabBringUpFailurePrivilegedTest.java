package io.septum.it;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * {@link PolicyLabExtension} after a bring-up that fails half-way, on the real kernel: a class whose two-node lab
 * cannot come up because node-1's enforcer finds its API port taken — by then node-0's enforcer is up (its datapath
 * loaded, its maps pinned) and node-1's maps are pinned too — fails before its tests, and leaves nothing of the lab:
 * no network namespace (their links go with them), no pinned object, no enforcer, no lab state.
 */
@Tag("privileged")
@ExtendWith(SharedControlPlane.class)
class LabBringUpFailurePrivilegedTest {

    /** The enforcer API port of node-1: SEPTUM_LAB_API_PORT (SeptumCommand) + 1. */
    private static final int NODE_1_API_PORT = 19871;

    @Test
    void aLabThatFailsHalfWayUpLeavesNothingBehind() throws Exception {
        Path logs = Repo.itRunDirectory().resolve("logs");
        long node0LogBefore = size(logs.resolve(SeptumCommand.LAB + "-node-0.log"));
        long node1LogBefore = size(logs.resolve(SeptumCommand.LAB + "-node-1.log"));
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        // Another server holds the port, and answers the lab's readiness checks 503 until the enforcer is seen gone.
        HttpServer taken = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), NODE_1_API_PORT), 0);
        taken.createContext("/", exchange -> {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        taken.start();
        try {
            LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(HalfUp.class)).build(), listener);
        } finally {
            taken.stop(0);
        }
        TestExecutionSummary summary = listener.getSummary();

        // the class failed before its test, naming the node whose enforcer could not start
        assertThat(summary.getTestsStartedCount()).isZero();
        assertThat(summary.getContainersFailedCount()).isEqualTo(1);
        assertThat(summary.getFailures()).singleElement().satisfies(failure ->
                assertThat(failure.getException()).hasMessageContaining("the enforcer of node-1 exited"));
        assertThat(HalfUp.lab).isNull();
        // half-way indeed: node-0's enforcer served its API before node-1's found the port taken
        assertThat(appended(logs.resolve(SeptumCommand.LAB + "-node-0.log"), node0LogBefore)).contains("enforcer: API on 127.0.0.1:19870");
        assertThat(appended(logs.resolve(SeptumCommand.LAB + "-node-1.log"), node1LogBefore)).contains("Address already in use");

        // nothing of the lab is left
        assertThat(labNamespaces()).isEmpty();
        assertThat(Path.of("/sys/fs/bpf/septum", SeptumCommand.LAB)).doesNotExist();
        assertThat(Repo.itRunDirectory().resolve("lab").resolve(SeptumCommand.LAB)).doesNotExist();
        assertThat(labEnforcers()).isEmpty();
    }

    /** Launched by the test above (the build's test runs leave nested classes out): its lab cannot come up there. */
    @Tag("privileged")
    @Lab(file = "infra/lab/e2e-model.yaml", nodes = 2)
    static class HalfUp {
        static PolicyLab lab;

        @Test
        void neverRuns() {
            throw new AssertionError("the lab of this class must not come up");
        }
    }

    private static long size(Path file) throws IOException {
        return Files.exists(file) ? Files.size(file) : 0;
    }

    /** What the lab wrote to a log (logs are appended to) since it had {@code before} bytes. */
    private static String appended(Path file, long before) throws IOException {
        byte[] all = Files.readAllBytes(file);
        return new String(all, (int) before, all.length - (int) before, StandardCharsets.UTF_8);
    }

    /** The network namespaces named as the lab names its own ({@code septest-…}). */
    private static List<String> labNamespaces() throws IOException, InterruptedException {
        Process ip = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
        String out = new String(ip.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!ip.waitFor(10, TimeUnit.SECONDS) || ip.exitValue() != 0) {
            throw new IOException("ip netns list: " + out);
        }
        return out.lines().map(line -> line.split(" ")[0]).filter(name -> name.startsWith(SeptumCommand.LAB + "-")).toList();
    }

    /** Processes whose command line pins maps under the lab's folder: its enforcers. */
    private static List<String> labEnforcers() throws IOException {
        String pins = "/sys/fs/bpf/septum/" + SeptumCommand.LAB + "/";
        List<String> found = new ArrayList<>();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                try {
                    String command = new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
                    if (command.contains(pins)) {
                        found.add(process.getFileName() + ": " + command);
                    }
                } catch (IOException gone) {
                    // the process ended meanwhile
                }
            }
        }
        return found;
    }
}
