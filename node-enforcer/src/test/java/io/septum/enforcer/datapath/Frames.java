package io.septum.enforcer.datapath;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** Hand-made Ethernet frames for BPF_PROG_TEST_RUN: what sockets cannot send (fragments, garbage). */
final class Frames {

    static final int TCP = 6;
    static final int ETH_P_IP = 0x0800;
    static final int ETH_P_ARP = 0x0806;
    static final int ETH_P_IPV6 = 0x86dd;
    private static final int ETH_HLEN = 14;
    private static final int IP_HLEN = 20;

    private Frames() {
    }

    /** An Ethernet header with {@code etherType} and {@code payloadBytes} zero bytes after it. */
    static byte[] ethernet(int etherType, int payloadBytes) {
        ByteBuffer frame = ByteBuffer.allocate(ETH_HLEN + payloadBytes);
        frame.put(new byte[] {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2});
        frame.putShort((short) etherType);
        return frame.array();
    }

    /**
     * An IPv4 TCP SYN; {@code fragmentField} is the raw flags/fragment-offset field, {@code totalLength} the
     * IP length claimed (the frame carries a 20-byte TCP header regardless).
     */
    static byte[] tcpSyn(Inet4Address source, Inet4Address destination, int sourcePort, int destinationPort, int fragmentField,
            int totalLength) {
        byte[] frame = ethernet(ETH_P_IP, IP_HLEN + 20);
        ByteBuffer ip = ByteBuffer.wrap(frame, ETH_HLEN, IP_HLEN + 20);
        ip.put((byte) 0x45).put((byte) 0).putShort((short) totalLength).putShort((short) 1).putShort((short) fragmentField)
                .put((byte) 64).put((byte) TCP).putShort((short) 0).putInt(Ipv4.bits(source)).putInt(Ipv4.bits(destination));
        ip.putShort((short) sourcePort).putShort((short) destinationPort).putInt(1).putInt(0)
                .put((byte) 0x50).put((byte) 0x02).putShort((short) 1024).putShort((short) 0).putShort((short) 0);
        return frame;
    }

    static byte[] tcpSyn(Inet4Address source, Inet4Address destination, int sourcePort, int destinationPort) {
        return tcpSyn(source, destination, sourcePort, destinationPort, 0, IP_HLEN + 20);
    }

    /** The first {@code bytes} bytes of {@code frame}. */
    static byte[] truncated(byte[] frame, int bytes) {
        return Arrays.copyOf(frame, bytes);
    }

    /** {@code frame} with its IPv4 version/IHL byte replaced. */
    static byte[] withVersionIhl(byte[] frame, int versionIhl) {
        byte[] copy = frame.clone();
        copy[ETH_HLEN] = (byte) versionIhl;
        return copy;
    }
}
