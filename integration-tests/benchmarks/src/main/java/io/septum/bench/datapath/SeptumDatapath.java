package io.septum.bench.datapath;

import io.septum.bench.datapath.BenchTopology.Pod;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.septum.bench.ExternalCommand;
import io.septum.enforcer.datapath.Datapath;
import io.septum.enforcer.datapath.DatapathConfig;
import io.septum.enforcer.datapath.Direction;
import io.septum.enforcer.datapath.EndpointInfo;
import io.septum.enforcer.datapath.EventMode;
import io.septum.enforcer.datapath.FlowEventReader;
import io.septum.enforcer.datapath.IpcacheValue;
import io.septum.enforcer.datapath.Ipv4;
import io.septum.enforcer.datapath.Ipv4Prefix;
import io.septum.enforcer.datapath.PolicyMapKey;
import io.septum.enforcer.datapath.PolicyMapValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Septum's real datapath (bpf/lxc.bpf.o through the enforcer's {@link Datapath}), loaded once for the whole
 * benchmark with its maps pinned in /sys/fs/bpf/septum/sepbench-dp, and put on each fresh topology the way the
 * enforcer does it: endpoints, ipcache and policy entries written, programs attached to both host-side veths.
 * A flow-event reader drains the ring buffer as the enforcer's would, so its cost is part of what is measured.
 *
 * <p>Policy map changes between runs are diffs, as the enforcer writes them: growing from 10 to 100,000 entries
 * adds the difference only.
 */
final class SeptumDatapath implements AutoCloseable {

    static final Path PIN_DIRECTORY = DatapathConfig.DEFAULT_PIN_ROOT.resolve("sepbench-dp");

    private final Datapath datapath;
    private final boolean pinRootCreated;
    private final AtomicLong flowEvents = new AtomicLong();
    private final FlowEventReader reader;
    private Map<PolicyMapKey, PolicyMapValue> written = new HashMap<>();

    private SeptumDatapath(Datapath datapath, boolean pinRootCreated) {
        this.datapath = datapath;
        this.pinRootCreated = pinRootCreated;
        this.reader = datapath.openEvents(event -> flowEvents.incrementAndGet());
    }

    static SeptumDatapath open() {
        boolean pinRootCreated = !Files.exists(DatapathConfig.DEFAULT_PIN_ROOT);
        Datapath.removePins(PIN_DIRECTORY); // an interrupted run's
        Datapath datapath = Datapath.open(DatapathConfig.defaults(PIN_DIRECTORY).withRingBufferBytes(256 * 1024));
        try {
            return new SeptumDatapath(datapath, pinRootCreated);
        } catch (RuntimeException e) {
            datapath.close();
            throw e;
        }
    }

    /**
     * Makes the datapath enforce {@link PeerPolicy} with {@code policySize} entries on {@code topology}'s pods, emitting
     * flow events as {@code events} says.
     */
    void enforce(BenchTopology topology, int policySize, EventMode events) {
        datapath.setEventMode(events);
        Map<PolicyMapKey, PolicyMapValue> desired = PeerPolicy.septumEntries(policySize);
        Map<PolicyMapKey, PolicyMapValue> puts = new HashMap<>();
        desired.forEach((k, v) -> {
            if (!v.equals(written.get(k))) {
                puts.put(k, v);
            }
        });
        List<PolicyMapKey> deletes = new ArrayList<>();
        for (PolicyMapKey k : written.keySet()) {
            if (!desired.containsKey(k)) {
                deletes.add(k);
            }
        }
        datapath.policy().update(puts, deletes);
        written = desired;

        // A fresh topology has new interfaces: forget the previous run's endpoints and connections.
        for (int ifindex : datapath.endpoints().entries().keySet()) {
            datapath.endpoints().delete(ifindex);
        }
        datapath.conntrack().deleteEndpoint(PeerPolicy.CLIENT_ENDPOINT);
        datapath.conntrack().deleteEndpoint(PeerPolicy.SERVER_ENDPOINT);
        addEndpoint(Pod.CLIENT, PeerPolicy.CLIENT_ENDPOINT, PeerPolicy.CLIENT_IDENTITY);
        addEndpoint(Pod.SERVER, PeerPolicy.SERVER_ENDPOINT, PeerPolicy.SERVER_IDENTITY);
    }

    /** Takes the programs off both veths (maps untouched): the same topology without Septum. */
    void detachPrograms() {
        for (Pod pod : Pod.values()) {
            datapath.detach(BenchTopology.NODE_NETNS, pod.hostInterface());
        }
    }

    /** Puts the programs back on both veths; the interfaces, and so the endpoint entries, are unchanged. */
    void attachPrograms() {
        for (Pod pod : Pod.values()) {
            datapath.attach(BenchTopology.NODE_NETNS, pod.hostInterface());
        }
    }

    private void addEndpoint(Pod pod, int endpointId, int identity) {
        var address = Ipv4.parse(pod.address());
        datapath.ipcache().put(Ipv4Prefix.host(address), new IpcacheValue(identity, null, 0));
        int ifindex = datapath.attach(BenchTopology.NODE_NETNS, pod.hostInterface());
        datapath.endpoints().put(ifindex, new EndpointInfo(endpointId, identity, address, 1, 0));
    }

    int policyEntries() {
        return written.size();
    }

    long flowEvents() {
        return flowEvents.get();
    }

    /**
     * The events read so far, once the reader has drained what is queued (it polls every
     * {@link FlowEventReader#POLL_INTERVAL_MS} ms): so a run's events are not counted with the next.
     */
    long drainedFlowEvents() {
        try {
            Thread.sleep(3L * FlowEventReader.POLL_INTERVAL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the flow event reader drained", e);
        }
        return flowEvents.get();
    }

    long eventLosses() {
        return reader.losses();
    }

    /**
     * Nanoseconds per run of each program (from_container: packets leaving a pod; to_container: packets entering
     * one), from the kernel's statistics, over every run since they were switched on ({@link KernelProgramStats}).
     */
    Map<String, Double> programNanosPerRun() {
        Map<String, Double> out = new LinkedHashMap<>();
        ObjectMapper json = new ObjectMapper();
        for (Direction direction : List.of(Direction.EGRESS, Direction.INGRESS)) {
            int id = datapath.programId(direction);
            String name = direction == Direction.EGRESS ? "from_container" : "to_container";
            try {
                JsonNode program = json.readTree(ExternalCommand.run("bpftool", "prog", "show", "id", Integer.toString(id), "--json"));
                long runs = program.path("run_cnt").asLong();
                out.put(name, runs == 0 ? 0 : (double) program.path("run_time_ns").asLong() / runs);
            } catch (IOException e) {
                throw new UncheckedIOException("read the run-time statistics of program " + name + " (id " + id + ")", e);
            }
        }
        return out;
    }

    /** Removes the pins without closing this process's handles: for an interrupted run's shutdown. */
    static void removePins() {
        Datapath.removePins(PIN_DIRECTORY);
    }

    /** Releases the datapath and removes its pins (the programs went with the topologies' veths). */
    @Override
    public void close() {
        try {
            datapath.close();
        } finally {
            Datapath.removePins(PIN_DIRECTORY);
            if (pinRootCreated) {
                try {
                    Files.deleteIfExists(DatapathConfig.DEFAULT_PIN_ROOT);
                } catch (DirectoryNotEmptyException e) {
                    // someone else pins there now: theirs to remove
                } catch (IOException e) {
                    throw new UncheckedIOException("remove " + DatapathConfig.DEFAULT_PIN_ROOT, e);
                }
            }
        }
    }
}
