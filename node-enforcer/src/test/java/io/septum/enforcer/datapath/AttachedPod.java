package io.septum.enforcer.datapath;

import static io.septum.enforcer.datapath.PodNetwork.HOST_IF;
import static io.septum.enforcer.datapath.PodNetwork.NODE_NETNS;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;

/**
 * {@link PodNetwork}'s pod with the datapath attached to its host-side veth, for one privileged test class: its pin
 * directory, the namespaces, the loaded programs and the flow event reader, released together (also when opening
 * fails half-way, so that no run leaves namespaces or pins behind). Skips the test class when not run as root.
 */
final class AttachedPod implements AutoCloseable {

    private final TestPins pins;
    private PodNetwork network;
    private Datapath datapath;
    private int ifindex;

    private AttachedPod(TestPins pins) {
        this.pins = pins;
    }

    /** @param pinsName the pin directory's name, septest-dp… (see {@link TestPins#claim}) */
    static AttachedPod open(String pinsName, EventCollector events) {
        assumeTrue(TestPins.isRoot(), "needs root: creates network namespaces and loads BPF programs");
        AttachedPod pod = new AttachedPod(TestPins.claim(pinsName));
        try {
            pod.network = PodNetwork.create();
            pod.datapath = Datapath.open(DatapathConfig.defaults(pod.pins.directory()).withRingBufferBytes(256 * 1024));
            pod.ifindex = pod.datapath.attach(NODE_NETNS, HOST_IF);
            pod.datapath.openEvents(events);
            return pod;
        } catch (RuntimeException | Error e) {
            pod.close();
            throw e;
        }
    }

    Datapath datapath() {
        return datapath;
    }

    /** The host-side veth's ifindex, the key of the pod's endpoint. */
    int ifindex() {
        return ifindex;
    }

    Path pinDirectory() {
        return pins.directory();
    }

    @Override
    public void close() {
        TestPins.release(pins, datapath, network);
    }
}
