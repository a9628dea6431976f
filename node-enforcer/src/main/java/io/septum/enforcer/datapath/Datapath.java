package io.septum.enforcer.datapath;

import io.septum.enforcer.datapath.events.EventLossCounter;
import io.septum.enforcer.datapath.events.FlowConfigMap;
import io.septum.enforcer.datapath.libbpf.BpfObject;
import io.septum.enforcer.datapath.libbpf.MapInfo;
import io.septum.enforcer.datapath.libbpf.ProgramTestRun;
import io.septum.enforcer.datapath.maps.ConntrackMap;
import io.septum.enforcer.datapath.maps.EndpointMap;
import io.septum.enforcer.datapath.maps.IpcacheMap;
import io.septum.enforcer.datapath.maps.MetricsMap;
import io.septum.enforcer.datapath.maps.PolicyMap;
import io.septum.enforcer.datapath.maps.PrefixMap;
import io.septum.enforcer.datapath.netns.NetworkNamespace;
import io.septum.enforcer.datapath.tc.TcFilters;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The loaded pod datapath of one node: the programs of bpf/lxc.bpf.o and their pinned maps.
 *
 * <p>Maps are pinned in {@link DatapathConfig#pinDirectory()} and outlive this object, as do attached
 * programs: a node keeps enforcing while its agent restarts. A new {@link #open} on the same directory
 * reuses the pinned maps with their contents and loads fresh programs; {@link #attach} then swaps them in
 * place on each interface. {@link #close()} releases this process's handles only.
 *
 * <p>Thread-safe. Map handles ({@link #endpoints()} etc.) must not be used after {@link #close()}.
 */
public final class Datapath implements EnforcementMaps, AutoCloseable {

    /** The compiled programs, from the septum-bpf jar. */
    public static final String OBJECT_RESOURCE = "bpf/lxc.bpf.o";
    private static final String OBJECT_NAME = "lxc";
    private static final String FROM_CONTAINER = "from_container";
    private static final String TO_CONTAINER = "to_container";
    private static final String FROM_NETDEV = "from_netdev";
    private static final String TO_NETDEV = "to_netdev";
    private static final String BPF_FILESYSTEM = "bpf";
    private static final System.Logger LOG = System.getLogger(Datapath.class.getName());

    private final DatapathConfig config;
    private final BpfObject object;
    private final EndpointMap endpoints;
    private final IpcacheMap ipcache;
    private final PrefixMap prefixes;
    private final PolicyMap policy;
    private final ConntrackMap conntrack;
    private final MetricsMap metrics;
    private final EventLossCounter eventLosses;
    private final FlowConfigMap flowConfig;
    private final int fromContainerFd;
    private final int toContainerFd;
    private final int fromNetdevFd;
    private final int toNetdevFd;
    private FlowEventReader reader;

    private Datapath(DatapathConfig config, BpfObject object) {
        this.config = config;
        this.object = object;
        this.endpoints = new EndpointMap(object.map(EndpointMap.NAME).live());
        this.ipcache = new IpcacheMap(object.map(IpcacheMap.NAME).live());
        this.prefixes = new PrefixMap(object.map(PrefixMap.NAME).live());
        this.policy = new PolicyMap(object.map(PolicyMap.NAME).live());
        this.conntrack = new ConntrackMap(object.map(ConntrackMap.NAME).live());
        this.metrics = new MetricsMap(object.map(MetricsMap.NAME).live());
        this.eventLosses = new EventLossCounter(object.map(EventLossCounter.NAME).live());
        this.flowConfig = new FlowConfigMap(object.map(FlowConfigMap.NAME).live());
        this.fromContainerFd = object.programFd(FROM_CONTAINER);
        this.toContainerFd = object.programFd(TO_CONTAINER);
        this.fromNetdevFd = object.programFd(FROM_NETDEV);
        this.toNetdevFd = object.programFd(TO_NETDEV);
    }

    /**
     * Loads the programs, reusing the maps pinned in the configured directory or creating and pinning new
     * ones. A pinned map whose layout differs from this object's (an incompatible upgrade) is refused, not
     * replaced: remove the pins ({@link #removePins}) to start over with empty maps.
     *
     * @throws BpfException          if the kernel refuses something (the verifier's last words included)
     * @throws IllegalStateException if the packaged object does not match this code's mirrors of its structs
     */
    public static Datapath open(DatapathConfig config) {
        createDirectories(config.pinDirectory());
        BpfObject object = BpfObject.open(OBJECT_NAME, readObject(), config.pinDirectory());
        try {
            List<String> differences = LxcObjectLayout.differences(object);
            if (!differences.isEmpty()) {
                throw new IllegalStateException(OBJECT_RESOURCE + " does not match the enforcer's mirrors of its structs:\n  "
                        + String.join("\n  ", differences));
            }
            object.map(LxcObjectLayout.EVENTS).setMaxEntries(config.ringBufferBytes());
            object.map(PolicyMap.NAME).setMaxEntries(config.policyMapMaxEntries());
            adoptPinnedMaps(object);
            object.load();
            LOG.log(Level.INFO, "datapath loaded, maps pinned in " + config.pinDirectory());
            return new Datapath(config, object);
        } catch (RuntimeException | Error e) {
            object.close();
            throw e;
        }
    }

    /**
     * libbpf reuses a pinned map only if it matches the definition exactly. Sizes are adopted from the pin
     * (resizing would empty the map); a layout mismatch is refused with a message naming it.
     */
    private static void adoptPinnedMaps(BpfObject object) {
        for (BpfObject.MapDefinition map : object.maps()) {
            Optional<Path> pin = map.pinPath();
            if (pin.isEmpty()) {
                continue;
            }
            Optional<MapInfo> pinned = MapInfo.ofPin(pin.get());
            if (pinned.isEmpty()) {
                continue;
            }
            MapInfo info = pinned.get();
            if (info.type() != map.type() || info.keySize() != map.keySize() || info.valueSize() != map.valueSize()
                    || info.flags() != map.flags()) {
                throw new BpfException("reuse pinned map " + map.name(), "pin " + pin.get(),
                        "incompatible with this version: pinned type/key/value/flags " + info.type() + "/" + info.keySize() + "/"
                                + info.valueSize() + "/" + info.flags() + ", expected " + map.type() + "/" + map.keySize() + "/"
                                + map.valueSize() + "/" + map.flags() + "; remove the pins to start over with empty maps");
            }
            if (info.maxEntries() != map.maxEntries()) {
                LOG.log(Level.INFO, "map " + map.name() + " is pinned with max_entries " + info.maxEntries()
                        + ", keeping that instead of " + map.maxEntries());
                map.setMaxEntries(info.maxEntries());
            }
        }
    }

    private static byte[] readObject() {
        try (InputStream in = Datapath.class.getClassLoader().getResourceAsStream(OBJECT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(OBJECT_RESOURCE + " is not on the class path (is the septum-bpf jar missing?)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("read " + OBJECT_RESOURCE, e);
        }
    }

    private static void createDirectories(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("create pin directory " + directory, e);
        }
    }

    public DatapathConfig config() {
        return config;
    }

    public EndpointMap endpoints() {
        return endpoints;
    }

    public IpcacheMap ipcache() {
        return ipcache;
    }

    /** The prefixes policies name, with their node-local CIDR identities. */
    public PrefixMap prefixes() {
        return prefixes;
    }

    public PolicyMap policy() {
        return policy;
    }

    public ConntrackMap conntrack() {
        return conntrack;
    }

    public MetricsMap metrics() {
        return metrics;
    }

    /**
     * Attaches the programs to a pod's host-side veth {@code ifname} in network namespace {@code netnsName}
     * (/var/run/netns/NAME): from_container on tc ingress, to_container on tc egress, replacing the programs
     * an earlier process attached. Returns the veth's ifindex, the key of its {@link #endpoints()} entry.
     */
    public int attach(String netnsName, String ifname) {
        ensureOpen();
        return NetworkNamespace.call(netnsName, () -> TcFilters.attach(ifname, fromContainerFd, toContainerFd));
    }

    /**
     * Attaches the host endpoint's programs to the node's uplink {@code ifname} in network namespace {@code netnsName}:
     * from_netdev on tc ingress (packets to the host's addresses), to_netdev on tc egress (packets from them), replacing
     * the programs an earlier process attached. Returns the uplink's ifindex, the key of the host's endpoint entry.
     */
    @Override
    public int attachUplink(String netnsName, String ifname) {
        ensureOpen();
        return NetworkNamespace.call(netnsName, () -> TcFilters.attach(ifname, fromNetdevFd, toNetdevFd));
    }

    /** Removes the programs from {@code ifname}; fine if the interface or the namespace is already gone. */
    public void detach(String netnsName, String ifname) {
        if (!NetworkNamespace.exists(netnsName)) {
            return;
        }
        NetworkNamespace.run(netnsName, () -> TcFilters.detach(ifname));
    }

    /** The programs attached to {@code ifname} at Septum's tc handle, as the kernel reports them. */
    public TcAttachment attachment(String netnsName, String ifname) {
        return NetworkNamespace.call(netnsName, () -> TcFilters.query(ifname));
    }

    /** The kernel's id of the program this datapath loaded for {@code direction}. */
    public int programId(Direction direction) {
        ensureOpen();
        return object.programId(direction == Direction.EGRESS ? FROM_CONTAINER : TO_CONTAINER);
    }

    /**
     * Starts delivering flow events to {@code sink} on a background thread; close the reader to stop. One
     * reader at a time (readers of one ring buffer would split its events). Events queued while no reader
     * ran, e.g. during a restart, are delivered first.
     */
    public synchronized FlowEventReader openEvents(Consumer<FlowEvent> sink) {
        ensureOpen();
        if (reader != null && reader.isRunning()) {
            throw new IllegalStateException("a flow event reader is already open; close it first");
        }
        reader = FlowEventReader.start(object.map(LxcObjectLayout.EVENTS).live(), eventLosses, sink);
        return reader;
    }

    /**
     * Sets which packets emit flow events, node-wide, from the programs' next packet on (the mode is pinned: it
     * outlives this process until set again).
     */
    public void setEventMode(EventMode mode) {
        ensureOpen();
        flowConfig.setEventMode(mode);
    }

    /** The node's flow event mode as the programs read it. */
    public EventMode eventMode() {
        ensureOpen();
        return flowConfig.eventMode();
    }

    /** Flow events the datapath could not queue (full ring buffer) since the maps were created. */
    public long eventLosses() {
        ensureOpen();
        return eventLosses.read();
    }

    /**
     * Runs the program of {@code direction} once on a crafted Ethernet frame arriving on {@code ifindex} of
     * the calling thread's network namespace, with the real maps; returns the tc action (0 pass, 2 drop).
     */
    int runProgram(Direction direction, byte[] frame, int ifindex) {
        ensureOpen();
        return ProgramTestRun.run(direction == Direction.EGRESS ? fromContainerFd : toContainerFd, frame, ifindex);
    }

    /**
     * Runs the program of {@code direction} {@code repeat} times in the kernel on one crafted frame, as
     * {@link #runProgram} does once: a generator of datapath work (flow events) at kernel speed, for benchmarks.
     */
    public int runProgramRepeatedly(Direction direction, byte[] frame, int ifindex, int repeat) {
        ensureOpen();
        return ProgramTestRun.run(direction == Direction.EGRESS ? fromContainerFd : toContainerFd, frame, ifindex, repeat);
    }

    private void ensureOpen() {
        if (!object.isOpen()) {
            throw new IllegalStateException("datapath is closed");
        }
    }

    /** Stops the event reader and releases this process's handles; pins and attached programs remain. */
    @Override
    public synchronized void close() {
        if (reader != null) {
            reader.close();
            reader = null;
        }
        object.close();
    }

    /**
     * Unlinks every pin in {@code pinDirectory} and the directory itself (lab teardown). The maps disappear once
     * no attached program uses them. Refuses a directory that is not on bpffs, and one with subdirectories.
     */
    public static void removePins(Path pinDirectory) {
        if (!Files.exists(pinDirectory)) {
            return;
        }
        try {
            String type = Files.getFileStore(pinDirectory).type();
            if (!type.equals(BPF_FILESYSTEM)) {
                throw new IllegalArgumentException(pinDirectory + " is on " + type + ", not bpffs: refusing to delete its files");
            }
            try (DirectoryStream<Path> pins = Files.newDirectoryStream(pinDirectory)) {
                for (Path pin : pins) {
                    Files.delete(pin);
                }
            }
            Files.delete(pinDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException("remove pins in " + pinDirectory, e);
        }
    }
}
