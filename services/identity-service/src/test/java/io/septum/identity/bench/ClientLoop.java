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
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.PriorityQueue;

/**
 * The benchmarks' HTTP/1.1 clients, all on one thread, as load generators like wrk run them: a fixed set of keep-alive
 * connections, a selector and timers. A request goes out on a free connection, or waits in order until one is free; its
 * answer is handed to the request's callback on the loop's thread, which may send further requests or set timers. One
 * thread instead of a blocking thread per client, so the clients' own CPU (thread wake-ups above all) does not crowd
 * the service they measure on a 2-core machine.
 * <p>
 * Not thread-safe: after construction, only the thread in {@link #run} and the callbacks and timers it runs may use the
 * loop. A connection the server closes, a response that is not HTTP/1.1 or is larger than 64 KiB, and an exception
 * thrown by a callback end {@link #run} with that exception: a benchmark whose clients fail must not go on measuring.
 */
final class ClientLoop implements AutoCloseable {

    /** A response as its callback sees it; valid only during the callback (its connection's buffer is reused after). */
    interface Response {
        int status();

        /** When the request was written to its connection (System.nanoTime), not when it was queued. */
        long sentNanos();

        /** When the last byte of the response was read (System.nanoTime). */
        long answeredNanos();

        byte[] body();

        String text();
    }

    /** Told of a request's answer, on the loop's thread. */
    @FunctionalInterface
    interface Callback {
        void answered(Response response) throws IOException;
    }

    private static final int MAX_RESPONSE = 64 * 1024;
    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHUNKED = "transfer-encoding: chunked".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "connection: close".getBytes(StandardCharsets.US_ASCII);

    /** A request encoded and waiting for a connection. */
    private record Request(String what, byte[] bytes, Callback callback) {
    }

    /** A task due at a time; {@code order} keeps tasks due at the same time in the order they were set. */
    private record Timer(long dueNanos, long order, Runnable task) {
    }

    private final InetSocketAddress server;
    private final String host;
    private final String authorization;
    private final Selector selector;
    private final Connection[] connections;
    private final ArrayDeque<Connection> free = new ArrayDeque<>();
    private final ArrayDeque<Request> waiting = new ArrayDeque<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) -> a.dueNanos != b.dueNanos
            ? Long.compare(a.dueNanos, b.dueNanos) : Long.compare(a.order, b.order));
    private long timersSet;
    private int outstanding;

    /** Opens {@code connections} keep-alive connections to {@code base}, each request carrying {@code token}. */
    ClientLoop(URI base, String token, int connections) throws IOException {
        this.server = new InetSocketAddress(base.getHost(), base.getPort());
        this.host = "Host: " + base.getHost() + ':' + base.getPort() + "\r\n";
        this.authorization = "Authorization: Bearer " + token + "\r\n";
        this.selector = Selector.open();
        this.connections = new Connection[connections];
        try {
            for (int c = 0; c < connections; c++) {
                this.connections[c] = new Connection(c);
                free.push(this.connections[c]);
            }
        } catch (IOException e) {
            close();
            throw new IOException("open connection to " + server + ": " + e.getMessage(), e);
        }
    }

    /** Sends {@code method path} with a JSON {@code body} (null for none) as soon as a connection is free. */
    void send(String method, String path, byte[] body, Callback callback) {
        StringBuilder head = new StringBuilder(256).append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append(host).append(authorization);
        if (body != null) {
            head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        byte[] headBytes = head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = body == null ? headBytes : Arrays.copyOf(headBytes, headBytes.length + body.length);
        if (body != null) {
            System.arraycopy(body, 0, bytes, headBytes.length, body.length);
        }
        waiting.add(new Request(method + ' ' + path, bytes, callback));
    }

    /** Runs {@code task} on the loop's thread at {@code dueNanos} (System.nanoTime), or as soon as it can after. */
    void at(long dueNanos, Runnable task) {
        timers.add(new Timer(dueNanos, timersSet++, task));
    }

    /**
     * Sends, reads and runs timers until nothing is left to do (no timer set, no request waiting or unanswered) or until
     * {@code endNanos} (System.nanoTime); true when nothing is left. What is unanswered at the end stays so: another run
     * may continue it, {@link #close} abandons it.
     */
    boolean run(long endNanos) throws IOException {
        while (true) {
            long now = System.nanoTime();
            while (!timers.isEmpty() && timers.peek().dueNanos <= now) {
                timers.poll().task.run();
            }
            dispatch();
            if (timers.isEmpty() && waiting.isEmpty() && outstanding == 0) {
                return true;
            }
            if (now >= endNanos) {
                return false;
            }
            long wait = Math.min(endNanos, timers.isEmpty() ? Long.MAX_VALUE : timers.peek().dueNanos) - now;
            if ((wait <= 0 ? selector.selectNow() : selector.select(Math.max(1, (wait + 999_999) / 1_000_000))) == 0) {
                continue;
            }
            for (SelectionKey key : selector.selectedKeys()) {
                ((Connection) key.attachment()).read();
            }
            selector.selectedKeys().clear();
        }
    }

    /** What is left to do, for a message: requests waiting for a connection, unanswered, timers set. */
    String backlog() {
        return waiting.size() + " requests waiting for a connection, " + outstanding + " unanswered, " + timers.size() + " timers set";
    }

    private void dispatch() throws IOException {
        while (!waiting.isEmpty() && !free.isEmpty()) {
            free.pop().write(waiting.poll());
        }
    }

    @Override
    public void close() throws IOException {
        try {
            for (Connection connection : connections) {
                if (connection != null) {
                    connection.channel.close();
                }
            }
        } finally {
            selector.close();
        }
    }

    /** One keep-alive connection: the request it has outstanding, if any, and the response it is reading. */
    private final class Connection implements Response {
        private final int id;
        private final ByteBuffer in = ByteBuffer.allocate(MAX_RESPONSE);
        private SocketChannel channel;
        private Request request;
        private long sentNanos;
        private long answeredNanos;
        private int status;
        private int bodyStart;
        private int bodyLength;
        private boolean chunked;
        private boolean closes;

        Connection(int id) throws IOException {
            this.id = id;
            connect();
        }

        private void connect() throws IOException {
            channel = SocketChannel.open(server);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ, this);
        }

        void write(Request next) throws IOException {
            request = next;
            outstanding++;
            in.clear();
            bodyStart = -1;
            ByteBuffer out = ByteBuffer.wrap(next.bytes);
            sentNanos = System.nanoTime();
            while (out.hasRemaining()) {
                if (channel.write(out) == 0) {
                    Thread.onSpinWait(); // a kept-alive connection's socket buffer holds a whole request: rare
                }
            }
        }

        void read() throws IOException {
            int read = channel.read(in);
            if (request == null) {
                throw new IOException("connection " + id + " to " + server + ": "
                        + (read < 0 ? "closed by the server while idle" : "bytes arrived while no request was outstanding"));
            }
            if (read < 0) {
                throw new IOException(request.what + " on connection " + id + ": connection closed by the server before the answer");
            }
            if (!in.hasRemaining()) {
                throw new IOException(request.what + " on connection " + id + ": response exceeds " + MAX_RESPONSE + " bytes");
            }
            if (bodyStart < 0 && !parseHead() || !bodyComplete()) {
                return;
            }
            answeredNanos = System.nanoTime();
            Callback callback = request.callback;
            try {
                callback.answered(this);
            } finally {
                request = null;
                outstanding--;
                if (closes) {
                    channel.close();
                    connect();
                }
                free.push(this);
            }
        }

        /** Status, length and framing once the head is complete; false while it is not. */
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
            if (end < 12 || !new String(a, 0, 9, StandardCharsets.US_ASCII).equals("HTTP/1.1 ")) {
                throw new IOException(request.what + " on connection " + id + ": not an HTTP/1.1 response: "
                        + new String(a, 0, end, StandardCharsets.US_ASCII));
            }
            status = (a[9] - '0') * 100 + (a[10] - '0') * 10 + (a[11] - '0');
            bodyLength = status == 204 || status == 304 ? 0 : -1;
            chunked = false;
            closes = false;
            for (int i = 0; i < end - 2; i++) {
                if (a[i] != '\n') {
                    continue;
                }
                if (startsWithIgnoreCase(a, i + 1, CONTENT_LENGTH)) {
                    int j = i + 1 + CONTENT_LENGTH.length;
                    while (a[j] == ' ') {
                        j++;
                    }
                    int length = 0;
                    while (a[j] >= '0' && a[j] <= '9') {
                        length = length * 10 + (a[j++] - '0');
                    }
                    bodyLength = length;
                } else if (startsWithIgnoreCase(a, i + 1, CHUNKED)) {
                    chunked = true;
                } else if (startsWithIgnoreCase(a, i + 1, CLOSE)) {
                    closes = true;
                }
            }
            if (bodyLength < 0 && !chunked) {
                throw new IOException(request.what + " on connection " + id + ": response has neither Content-Length nor chunks: "
                        + new String(a, 0, end, StandardCharsets.US_ASCII));
            }
            bodyStart = end;
            return true;
        }

        /** True once the whole body is in; a chunked body is then joined in place, from bodyStart on. */
        private boolean bodyComplete() throws IOException {
            if (!chunked) {
                return in.position() >= bodyStart + bodyLength;
            }
            if (!chunks(false)) {
                return false;
            }
            chunks(true);
            return true;
        }

        /**
         * Walks the chunks from bodyStart: true when the last has arrived. With {@code join}, moves their data together
         * (only once all have arrived: the walk reads the sizes the moves overwrite) and sets bodyLength.
         */
        private boolean chunks(boolean join) throws IOException {
            byte[] a = in.array();
            int at = bodyStart;
            int joined = bodyStart;
            while (true) {
                int lineEnd = lineEnd(a, at);
                if (lineEnd < 0) {
                    return false;
                }
                int size = 0;
                for (int i = at; i < lineEnd - 1 && a[i] != ';'; i++) {
                    int digit = Character.digit(a[i], 16);
                    if (digit < 0) {
                        throw new IOException(request.what + " on connection " + id + ": bad chunk size '"
                                + new String(a, at, lineEnd - 1 - at, StandardCharsets.US_ASCII) + "'");
                    }
                    size = size * 16 + digit;
                }
                at = lineEnd + 1;
                if (size == 0) {
                    // no trailers are asked for, so none come: the body ends with an empty line
                    if (lineEnd(a, at) != at + 1) {
                        return false;
                    }
                    if (join) {
                        bodyLength = joined - bodyStart;
                    }
                    return true;
                }
                if (in.position() < at + size + 2) {
                    return false;
                }
                if (join) {
                    System.arraycopy(a, at, a, joined, size); // joined stays behind at: a size line precedes each chunk
                }
                joined += size;
                at += size + 2;
            }
        }

        /** The index of the '\n' ending the line from {@code from}, -1 when it has not arrived. */
        private int lineEnd(byte[] a, int from) {
            for (int i = from + 1; i < in.position(); i++) {
                if (a[i] == '\n' && a[i - 1] == '\r') {
                    return i;
                }
            }
            return -1;
        }

        @Override
        public int status() {
            return status;
        }

        @Override
        public long sentNanos() {
            return sentNanos;
        }

        @Override
        public long answeredNanos() {
            return answeredNanos;
        }

        @Override
        public byte[] body() {
            return Arrays.copyOfRange(in.array(), bodyStart, bodyStart + bodyLength);
        }

        @Override
        public String text() {
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
