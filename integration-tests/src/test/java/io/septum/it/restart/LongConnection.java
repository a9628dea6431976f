package io.septum.it.restart;

import io.septum.enforcer.datapath.netns.NetworkNamespace;
import io.septum.it.LabPod;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One TCP connection between two pods, kept busy: the client sends a numbered message every 20 ms and the
 * server (this test's own, listening inside the server pod's namespace) echoes it. Every echo must come back,
 * in order, on the same connection; any error or mismatch breaks it. Echoes are counted per phase, so the
 * test can tell that data flowed during each one.
 */
final class LongConnection implements AutoCloseable {

    private final Phases phases;
    private final ServerSocket server;
    private final Socket client;
    private final Thread serverThread;
    private final Thread clientThread;
    private final Map<String, Integer> echoesByPhase = new LinkedHashMap<>();
    private volatile boolean running = true;
    private volatile String broken;
    private volatile long longestGapMillis;

    LongConnection(LabPod clientPod, LabPod serverPod, int port, Phases phases) throws IOException {
        this.phases = phases;
        InetAddress address = InetAddress.getByName(serverPod.ip());
        this.server = NetworkNamespace.call(serverPod.netns(), () -> new ServerSocket(port, 4, address));
        this.serverThread = Thread.ofPlatform().name("echo server in " + serverPod.key()).start(this::echo);
        this.client = NetworkNamespace.call(clientPod.netns(), () -> {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress(address, port), 5_000);
            return socket;
        });
        client.setSoTimeout(30_000);
        client.setTcpNoDelay(true);
        this.clientThread = Thread.ofPlatform().name("long connection " + clientPod.key() + " -> " + serverPod.key()).start(this::talk);
    }

    private void echo() {
        try (Socket accepted = server.accept()) {
            accepted.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(accepted.getInputStream());
            DataOutputStream out = new DataOutputStream(accepted.getOutputStream());
            while (true) {
                out.writeLong(in.readLong());
                out.flush();
            }
        } catch (IOException e) {
            if (running) {
                broken = "echo server: " + e;
            }
        }
    }

    private void talk() {
        try {
            DataInputStream in = new DataInputStream(client.getInputStream());
            DataOutputStream out = new DataOutputStream(client.getOutputStream());
            long last = System.nanoTime();
            for (long sequence = 0; running; sequence++) {
                String phase = phases.current();
                out.writeLong(sequence);
                out.flush();
                long echoed = in.readLong();
                if (echoed != sequence) {
                    broken = "sent message " + sequence + " but the echo was " + echoed;
                    return;
                }
                long now = System.nanoTime();
                longestGapMillis = Math.max(longestGapMillis, (now - last) / 1_000_000);
                last = now;
                synchronized (echoesByPhase) {
                    echoesByPhase.merge(phase, 1, Integer::sum);
                }
                Thread.sleep(20);
            }
        } catch (IOException e) {
            if (running) {
                broken = "client: " + e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What went wrong: the connection broke, or a phase passed without a single echo. */
    List<String> problems() {
        List<String> out = new ArrayList<>();
        if (broken != null) {
            out.add("the long connection broke: " + broken);
        }
        synchronized (echoesByPhase) {
            for (String phase : phases.all()) {
                if (echoesByPhase.getOrDefault(phase, 0) == 0) {
                    out.add("the long connection carried no data while '" + phase + "'");
                }
            }
        }
        return out;
    }

    String summary() {
        synchronized (echoesByPhase) {
            return "long connection: echoes by phase " + echoesByPhase + ", longest wait for an echo " + longestGapMillis + " ms";
        }
    }

    /** Stops sending, then closes both ends (the echo server's socket ends with the client's). */
    @Override
    public void close() throws IOException {
        running = false;
        try {
            clientThread.join(35_000);
            client.close();
            server.close();
            serverThread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            client.close();
            server.close();
        }
    }
}
