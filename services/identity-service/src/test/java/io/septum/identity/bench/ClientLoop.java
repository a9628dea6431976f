package io.septum.identity.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Many concurrent HTTP/1.1 clients on one thread, as load generators like wrk run them: each client is a keep-alive
 * connection with one request outstanding, sending its next as soon as the previous is answered. One thread and a
 * selector instead of a blocking thread per client, so the clients' own CPU (thread wake-ups above all) does not crowd
 * the service they measure on a 2-core machine. Responses must carry a Content-Length (Quarkus' do).
 */
final class ClientLoop {

    /** The body of a client's next POST. */
    @FunctionalInterface
    interface Bodies {
        byte[] next(int client, long n);
    }

    /** Told of every answered request: its client, status, and when it was sent and answered (System.nanoTime). */
    @FunctionalInterface
    interface Answers {
        void answered(int client, int status, long sentNanos, long answeredNanos, Supplier<String> body);
    }

    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);

    private final URI base;
    private final String path;
    private final String authorization;

    ClientLoop(URI base, String path, String token) {
        this.base = base;
        this.path = path;
        this.authorization = "Authorization: Bearer " + token + "\r\n";
    }

    /** Runs {@code clients} clients until {@code endNanos}; a request still unanswered then is not waited for. */
    void run(int clients, long endNanos, Bodies bodies, Answers answers) throws IOException {
        try (Selector selector = Selector.open()) {
            Client[] all = new Client[clients];
            for (int c = 0; c < clients; c++) {
                SocketChannel channel = SocketChannel.open(new InetSocketAddress(base.getHost(), base.getPort()));
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.configureBlocking(false);
                all[c] = new Client(c, channel);
                channel.register(selector, SelectionKey.OP_READ, all[c]);
                all[c].send(bodies.next(c, all[c].sent++));
            }
            try {
                while (System.nanoTime() < endNanos) {
                    if (selector.select(100) == 0) {
                        continue;
                    }
                    for (SelectionKey key : selector.selectedKeys()) {
                        Client client = (Client) key.attachment();
                        if (client.read() && System.nanoTime() < endNanos) {
                            answers.answered(client.id, client.status, client.sentNanos, client.answeredNanos, client::body);
                            client.send(bodies.next(client.id, client.sent++));
                        }
                    }
                    selector.selectedKeys().clear();
                }
            } finally {
                for (Client client : all) {
                    client.channel.close();
                }
            }
        }
    }

    /** One connection: the request it sent and the response it is reading. */
    private final class Client {
        final int id;
        final SocketChannel channel;
        final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        long sent;
        long sentNanos;
        long answeredNanos;
        int status;
        int bodyStart;
        int bodyLength;

        Client(int id, SocketChannel channel) {
            this.id = id;
            this.channel = channel;
        }

        void send(byte[] body) throws IOException {
            String head = "POST " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ':' + base.getPort() + "\r\n" + authorization
                    + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
            byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
            ByteBuffer out = ByteBuffer.allocate(headBytes.length + body.length).put(headBytes).put(body).flip();
            sentNanos = System.nanoTime();
            while (out.hasRemaining()) {
                if (channel.write(out) == 0) {
                    Thread.onSpinWait(); // the socket buffer of a fresh keep-alive connection holds a request: rare
                }
            }
            in.clear();
            bodyStart = -1;
        }

        /** Reads what arrived; true when the whole response is in. */
        boolean read() throws IOException {
            if (channel.read(in) < 0) {
                throw new IOException("connection " + id + " closed by the server");
            }
            if (!in.hasRemaining()) {
                throw new IOException("response of connection " + id + " exceeds " + in.capacity() + " bytes");
            }
            if (bodyStart < 0 && !parseHead()) {
                return false;
            }
            if (in.position() < bodyStart + bodyLength) {
                return false;
            }
            answeredNanos = System.nanoTime();
            return true;
        }

        /** Status and Content-Length once the head is complete; false while it is not. */
        private boolean parseHead() throws IOException {
            byte[] a = in.array();
            int end = -1;
            for (int i = 3; i < in.position(); i++) {
                if (a[i] == '\n' && a[i - 1] == '\r' && a[i - 2] == '\n' && a[i - 3] == '\r') {
                    end = i + 1;
                    break;
                }
            }
            if (end < 0) {
                return false;
            }
            status = (a[9] - '0') * 100 + (a[10] - '0') * 10 + (a[11] - '0');
            bodyLength = -1;
            for (int i = 0; i < end - CONTENT_LENGTH.length; i++) {
                if (a[i] == '\n' && startsWithIgnoreCase(a, i + 1, CONTENT_LENGTH)) {
                    int j = i + 1 + CONTENT_LENGTH.length;
                    while (a[j] == ' ') {
                        j++;
                    }
                    int length = 0;
                    while (a[j] >= '0' && a[j] <= '9') {
                        length = length * 10 + (a[j++] - '0');
                    }
                    bodyLength = length;
                    break;
                }
            }
            if (bodyLength < 0) {
                throw new IOException("response of connection " + id + " has no Content-Length: "
                        + new String(a, 0, end, StandardCharsets.US_ASCII));
            }
            bodyStart = end;
            return true;
        }

        String body() {
            return new String(in.array(), bodyStart, bodyLength, StandardCharsets.UTF_8);
        }
    }

    private static boolean startsWithIgnoreCase(byte[] a, int from, byte[] prefix) {
        if (from + prefix.length > a.length) {
            return false;
        }
        for (int k = 0; k < prefix.length; k++) {
            if (Character.toLowerCase(a[from + k]) != prefix[k]) {
                return false;
            }
        }
        return true;
    }
}
