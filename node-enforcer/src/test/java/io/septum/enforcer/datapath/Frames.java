package io.septum.enforcer.datapath;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** Hand-made Ethernet frames for BPF_PROG_TEST_RUN: what sockets cannot send (fragments, garbage). */
final class Frames {

    static final int TCP = 6;
    static final int SCTP = 132;
    /** SCTP chunk types (RFC 9260). */
    static final int SCTP_INIT = 1;
    static final int SCTP_INIT_ACK = 2;
    static final int SCTP_DATA = 0;
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

    /**
     * An IPv4 SCTP packet: the 12-byte common header (ports, verification tag, checksum left 0: the datapath
     * does not check it) and one chunk of {@code chunkType} with a 16-byte body (INIT's fixed part).
     */
    static byte[] sctp(Inet4Address source, Inet4Address destination, int sourcePort, int destinationPort, int chunkType) {
        int sctpLength = 12 + 4 + 16;
        byte[] frame = ethernet(ETH_P_IP, IP_HLEN + sctpLength);
        ByteBuffer ip = ByteBuffer.wrap(frame, ETH_HLEN, IP_HLEN + sctpLength);
        ip.put((byte) 0x45).put((byte) 0).putShort((short) (IP_HLEN + sctpLength)).putShort((short) 1).putShort((short) 0)
                .put((byte) 64).put((byte) SCTP).putShort((short) 0).putInt(Ipv4.bits(source)).putInt(Ipv4.bits(destination));
        ip.putShort((short) sourcePort).putShort((short) destinationPort).putInt(chunkType == SCTP_INIT ? 0 : 0x5e97).putInt(0);
        ip.put((byte) chunkType).put((byte) 0).putShort((short) (4 + 16)).putInt(0x5e97).putInt(65536).putShort((short) 1)
                .putShort((short) 1).putInt(1);
        return frame;
    }

    /** The first {@code bytes} bytes of {@code frame}. */
    static byte[] truncated(byte[] frame, int bytes) {
        return Arrays.copyOf(frame, bytes);
    }

    /** The first {@code bytes} bytes of {@code frame}, with the IPv4 total length saying so (a short L4 header). */
    static byte[] cutWithinL4(byte[] frame, int bytes) {
        byte[] copy = Arrays.copyOf(frame, bytes);
        ByteBuffer.wrap(copy).putShort(ETH_HLEN + 2, (short) (bytes - ETH_HLEN));
        return copy;
    }

    /** {@code frame} with its IPv4 version/IHL byte replaced. */
    static byte[] withVersionIhl(byte[] frame, int versionIhl) {
        byte[] copy = frame.clone();
        copy[ETH_HLEN] = (byte) versionIhl;
        return copy;
    }
}
