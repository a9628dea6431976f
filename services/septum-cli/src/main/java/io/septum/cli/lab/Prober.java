package io.septum.cli.lab;

import io.septum.enforcer.datapath.netns.NetworkNamespace;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Tries one connection from inside a pod's network namespace, as an application in that pod would.
 * TCP is reachable when the connection is made and the server's answer arrives in time; UDP when the
 * datagram comes back in time. Every probe uses a fresh socket (and so a fresh source port).
 */
public final class Prober {

    /** The outcome of one probe, in the shape {@code lab probe --json} prints. */
    public record Result(String from, String to, int port, String protocol, boolean reachable) {
    }

    private Prober() {
    }

    public static boolean probe(String fromNetns, String toAddress, int port, String protocol, int timeoutMillis) {
        try {
            return NetworkNamespace.call(fromNetns, () -> switch (protocol) {
                case "UDP" -> udp(toAddress, port, timeoutMillis);
                case "ICMP" -> echo(toAddress, timeoutMillis);
                default -> tcp(toAddress, port, timeoutMillis);
            });
        } catch (Exception e) {
            throw new LabException("probe from namespace " + fromNetns + " to " + toAddress + ":" + port + "/" + protocol
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * An ICMP echo request. The lab runs as root, so the JDK sends a real echo from a raw socket created on this
     * thread, inside the namespace (without the privilege it would fall back to TCP port 7: refuse that).
     */
    private static boolean echo(String address, int timeoutMillis) throws IOException {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IOException("an ICMP probe needs root (raw sockets)");
        }
        return java.net.InetAddress.ofLiteral(address).isReachable(timeoutMillis);
    }

    private static boolean tcp(String address, int port, int timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), timeoutMillis);
            int left = (int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000L);
            socket.setSoTimeout(left);
            InputStream in = socket.getInputStream();
            return in.read() >= 0;
        } catch (SocketTimeoutException | java.net.ConnectException | java.net.NoRouteToHostException e) {
            return false;
        }
    }

    private static boolean udp(String address, int port, int timeoutMillis) throws IOException {
        byte[] payload = ("septum-probe " + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(timeoutMillis);
            socket.send(new DatagramPacket(payload, payload.length, new InetSocketAddress(address, port)));
            DatagramPacket reply = new DatagramPacket(new byte[payload.length + 16], payload.length + 16);
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            while (true) {
                socket.receive(reply);
                if (new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8).equals(new String(payload, StandardCharsets.UTF_8))) {
                    return true;
                }
                int left = (int) ((deadline - System.nanoTime()) / 1_000_000L);
                if (left <= 0) {
                    return false;
                }
                socket.setSoTimeout(left);
            }
        } catch (SocketTimeoutException | java.net.PortUnreachableException e) {
            return false;
        }
    }
}
