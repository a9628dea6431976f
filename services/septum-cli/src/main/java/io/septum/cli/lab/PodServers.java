package io.septum.cli.lab;

import io.septum.enforcer.datapath.netns.NetworkNamespace;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The servers inside the lab's pods (and externals, and nodes that declare ports): for every declared port, a TCP server that accepts and answers with
 * one line naming the pod, or a UDP server that echoes each datagram. One process serves every pod: each
 * socket is created on a thread that has entered the pod's network namespace, and a socket stays in the
 * namespace it was created in, whichever thread uses it afterwards.
 */
public final class PodServers {

    private static final Logger LOG = Logger.getLogger(PodServers.class.getName());

    private final List<AutoCloseable> sockets = new ArrayList<>();

    /** Whose ports are served: a pod or an external, in its namespace at its address. */
    private record Host(String key, String netns, String ip, List<LabSpec.Port> ports) {
    }

    /** Opens every server of {@code state}'s pods and externals, then writes {@code readyFile}; runs until the process ends. */
    public void serve(LabState state, Path readyFile) throws Exception {
        List<Host> hosts = new ArrayList<>();
        state.pods().forEach(pod -> hosts.add(new Host(pod.key(), pod.netns(), pod.ip(), pod.ports())));
        state.externals().forEach(ext -> hosts.add(new Host(ext.name(), ext.netns(), ext.ip(), ext.ports())));
        // A node serves on its underlay address, in its own namespace: the host endpoint's ingress.
        state.nodes().stream().filter(n -> n.underlayAddress() != null && !n.ports().isEmpty())
                .forEach(n -> hosts.add(new Host("node/" + n.index(), n.netns(), n.underlayAddress(), n.ports())));
        for (Host host : hosts) {
            for (LabSpec.Port port : host.ports()) {
                InetSocketAddress address = new InetSocketAddress(host.ip(), port.port());
                String banner = host.key() + " " + port.port() + "/" + port.protocol() + "\n";
                if (port.protocol().equals("UDP")) {
                    DatagramChannel channel = NetworkNamespace.call(host.netns(), () -> DatagramChannel.open().bind(address));
                    sockets.add(channel);
                    Thread.ofVirtual().name("udp-" + host.key() + "-" + port.port()).start(() -> echo(channel));
                } else {
                    ServerSocketChannel channel = NetworkNamespace.call(host.netns(), () -> {
                        ServerSocketChannel server = ServerSocketChannel.open();
                        server.bind(address, 128);
                        return server;
                    });
                    sockets.add(channel);
                    Thread.ofVirtual().name("tcp-" + host.key() + "-" + port.port()).start(() -> accept(channel, banner));
                }
            }
        }
        Files.writeString(readyFile, Long.toString(ProcessHandle.current().pid()));
        LOG.info("serving " + sockets.size() + " ports in " + state.pods().size() + " pods and " + state.externals().size() + " externals");
        Thread.currentThread().join();
    }

    private static void accept(ServerSocketChannel server, String banner) {
        ByteBuffer reply = ByteBuffer.wrap(banner.getBytes(StandardCharsets.UTF_8));
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                Thread.ofVirtual().start(() -> {
                    try (client) {
                        client.write(reply.duplicate());
                    } catch (IOException e) {
                        LOG.log(Level.FINE, "answer client", e);
                    }
                });
            } catch (IOException e) {
                if (server.isOpen()) {
                    LOG.log(Level.WARNING, "accept failed", e);
                }
            }
        }
    }

    private static void echo(DatagramChannel channel) {
        ByteBuffer buffer = ByteBuffer.allocate(65_536);
        while (channel.isOpen()) {
            try {
                buffer.clear();
                SocketAddress from = channel.receive(buffer);
                buffer.flip();
                channel.send(buffer, from);
            } catch (IOException e) {
                if (channel.isOpen()) {
                    LOG.log(Level.WARNING, "UDP echo failed", e);
                }
            }
        }
    }
}
