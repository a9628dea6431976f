package io.septum.enforcer.datapath;

import io.septum.enforcer.datapath.netns.NetworkNamespace;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Real traffic between the test namespaces, on sockets opened inside them: echo servers (closed with this
 * object) and clients. Traffic expected to pass gets a generous timeout, traffic expected to be dropped a
 * short one, so a slow machine neither fails the first nor slows the second.
 */
public final class Traffic implements AutoCloseable {

    /** Ample for a handshake on a veth, even on a busy machine; only waited for when something is broken. */
    public static final int PASS_TIMEOUT_MS = 3000;
    /** How long a blocked exchange is given to prove it is blocked. */
    public static final int BLOCK_TIMEOUT_MS = 300;

    private final List<Closeable> servers = new ArrayList<>();

    /** A TCP echo server in {@code netns}. */
    public void tcpEchoServer(String netns, Inet4Address address, int port) throws IOException {
        ServerSocketChannel server = NetworkNamespace.call(netns, () -> {
            ServerSocketChannel s = ServerSocketChannel.open();
            s.bind(new InetSocketAddress(address, port), 16);
            return s;
        });
        servers.add(server);
        Thread.ofVirtual().name("echo-tcp-" + port).start(() -> {
            while (server.isOpen()) {
                try {
                    SocketChannel client = server.accept();
                    Thread.ofVirtual().start(() -> echo(client));
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    private static void echo(SocketChannel client) {
        try (client) {
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            while (client.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    client.write(buffer);
                }
                buffer.clear();
            }
        } catch (IOException ignored) {
            // the test closed the connection, or the datapath cut it
        }
    }

    /** A UDP echo server in {@code netns}. */
    public void udpEchoServer(String netns, Inet4Address address, int port) throws IOException {
        DatagramChannel server = NetworkNamespace.call(netns, () -> DatagramChannel.open().bind(new InetSocketAddress(address, port)));
        servers.add(server);
        Thread.ofVirtual().name("echo-udp-" + port).start(() -> {
            ByteBuffer buffer = ByteBuffer.allocate(2048);
            while (server.isOpen()) {
                try {
                    buffer.clear();
                    var from = server.receive(buffer);
                    buffer.flip();
                    server.send(buffer, from);
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    /** A TCP connection from {@code netns} (source {@code bindTo}, or the kernel's choice if null). */
    public static Socket connect(String netns, Inet4Address bindTo, Inet4Address address, int port, int timeoutMs) throws IOException {
        return NetworkNamespace.call(netns, () -> {
            Socket socket = new Socket();
            try {
                if (bindTo != null) {
                    socket.bind(new InetSocketAddress(bindTo, 0));
                }
                socket.connect(new InetSocketAddress(address, port), timeoutMs);
                socket.setSoTimeout(timeoutMs);
                return socket;
            } catch (IOException e) {
                socket.close();
                throw e;
            }
        });
    }

    public static Socket connect(String netns, Inet4Address address, int port) throws IOException {
        return connect(netns, null, address, port, PASS_TIMEOUT_MS);
    }

    /** A TCP connection from {@code netns} is set up and echoes: SYN, SYN-ACK, data both ways. */
    public static boolean tcpPasses(String netns, Inet4Address bindTo, Inet4Address address, int port) throws IOException {
        return tcpExchange(netns, bindTo, address, port, PASS_TIMEOUT_MS);
    }

    public static boolean tcpPasses(String netns, Inet4Address address, int port) throws IOException {
        return tcpPasses(netns, null, address, port);
    }

    /** A TCP connection from {@code netns} does not get through. */
    public static boolean tcpBlocked(String netns, Inet4Address bindTo, Inet4Address address, int port) throws IOException {
        return !tcpExchange(netns, bindTo, address, port, BLOCK_TIMEOUT_MS);
    }

    public static boolean tcpBlocked(String netns, Inet4Address address, int port) throws IOException {
        return tcpBlocked(netns, null, address, port);
    }

    private static boolean tcpExchange(String netns, Inet4Address bindTo, Inet4Address address, int port, int timeoutMs)
            throws IOException {
        try (Socket socket = connect(netns, bindTo, address, port, timeoutMs)) {
            return echoes(socket, timeoutMs);
        } catch (SocketTimeoutException | ConnectException | NoRouteToHostException e) {
            return false;
        }
    }

    /** A message sent on {@code socket} comes back within {@code timeoutMs}. */
    public static boolean echoes(Socket socket, int timeoutMs) throws IOException {
        socket.setSoTimeout(timeoutMs);
        byte[] message = ("septest " + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
        socket.getOutputStream().write(message);
        byte[] reply = new byte[message.length];
        InputStream in = socket.getInputStream();
        try {
            for (int read = 0; read < reply.length; ) {
                int n = in.read(reply, read, reply.length - read);
                if (n < 0) {
                    return false;
                }
                read += n;
            }
        } catch (SocketTimeoutException e) {
            return false;
        }
        return Arrays.equals(message, reply);
    }

    /** A datagram from {@code netns} to an echo server comes back within {@code timeoutMs}. */
    public static boolean udpEchoes(String netns, Inet4Address address, int port, int timeoutMs) throws IOException {
        try (DatagramSocket socket = NetworkNamespace.call(netns, () -> new DatagramSocket(new InetSocketAddress(0)))) {
            socket.setSoTimeout(timeoutMs);
            byte[] message = ("septest " + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
            socket.send(new DatagramPacket(message, message.length, new InetSocketAddress(address, port)));
            DatagramPacket reply = new DatagramPacket(new byte[message.length], message.length);
            try {
                socket.receive(reply);
            } catch (SocketTimeoutException e) {
                return false;
            }
            return Arrays.equals(message, reply.getData());
        }
    }

    @Override
    public void close() throws IOException {
        for (Closeable server : servers) {
            server.close();
        }
        servers.clear();
    }
}
