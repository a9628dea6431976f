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
 * The servers inside the lab's pods: for every declared port, a TCP server that accepts and answers with
 * one line naming the pod, or a UDP server that echoes each datagram. One process serves every pod: each
 * socket is created on a thread that has entered the pod's network namespace, and a socket stays in the
 * namespace it was created in, whichever thread uses it afterwards.
 */
public final class PodServers {

    private static final Logger LOG = Logger.getLogger(PodServers.class.getName());

    private final List<AutoCloseable> sockets = new ArrayList<>();

    /** Opens every server of {@code state}'s pods, then writes {@code readyFile}; runs until the process ends. */
    public void serve(LabState state, Path readyFile) throws Exception {
        for (LabState.PodState pod : state.pods()) {
            for (LabSpec.Port port : pod.ports()) {
                InetSocketAddress address = new InetSocketAddress(pod.ip(), port.port());
                String banner = pod.key() + " " + port.port() + "/" + port.protocol() + "\n";
                if (port.protocol().equals("UDP")) {
                    DatagramChannel channel = NetworkNamespace.call(pod.netns(), () -> DatagramChannel.open().bind(address));
                    sockets.add(channel);
                    Thread.ofVirtual().name("udp-" + pod.key() + "-" + port.port()).start(() -> echo(channel));
                } else {
                    ServerSocketChannel channel = NetworkNamespace.call(pod.netns(), () -> {
                        ServerSocketChannel server = ServerSocketChannel.open();
                        server.bind(address, 128);
                        return server;
                    });
                    sockets.add(channel);
                    Thread.ofVirtual().name("tcp-" + pod.key() + "-" + port.port()).start(() -> accept(channel, banner));
                }
            }
        }
        Files.writeString(readyFile, Long.toString(ProcessHandle.current().pid()));
        LOG.info("serving " + sockets.size() + " ports in " + state.pods().size() + " pods");
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
