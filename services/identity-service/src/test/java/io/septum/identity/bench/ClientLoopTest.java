package io.septum.identity.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The benchmarks' client loop against a real HTTP/1.1 server (the JDK's): framing, keep-alive, queueing, timers, failures. */
class ClientLoopTest {

    private HttpServer server;
    private ExecutorService handlers;
    private URI base;
    /** The client ports requests arrived from: one per connection the loop used. */
    private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        handlers = Executors.newCachedThreadPool();
        server.setExecutor(handlers);
        // the request's method, authorization and body, with a Content-Length
        server.createContext("/echo", exchange -> answer(exchange, 200, exchange.getRequestMethod() + " "
                + exchange.getRequestHeaders().getFirst("Authorization") + " "
                + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
        // a body in two chunks
        server.createContext("/chunked", exchange -> {
            clientPorts.add(exchange.getRemoteAddress().getPort());
            exchange.sendResponseHeaders(201, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write("{\"id\":".getBytes(StandardCharsets.UTF_8));
                out.flush();
                out.write("42}".getBytes(StandardCharsets.UTF_8));
            }
        });
        server.createContext("/nothing", exchange -> {
            clientPorts.add(exchange.getRemoteAddress().getPort());
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.createContext("/closing", exchange -> {
            exchange.getResponseHeaders().set("Connection", "close");
            answer(exchange, 200, "bye");
        });
        server.createContext("/slow", exchange -> {
            try {
                TimeUnit.MILLISECONDS.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(exchange, 200, "late");
        });
        server.createContext("/broken", exchange -> {
            throw new IOException("handler fails before answering"); // the JDK's server closes the connection
        });
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
        handlers.shutdownNow();
    }

    private void answer(HttpExchange exchange, int status, String body) throws IOException {
        clientPorts.add(exchange.getRemoteAddress().getPort());
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Test
    void answersEachFramingInTheOrderSentOnOneKeptAliveConnection() throws IOException {
        List<String> answers = new ArrayList<>();
        try (ClientLoop loop = new ClientLoop(base, "t0k", 1)) {
            loop.send("PUT", "/echo", "{\"a\":1}".getBytes(StandardCharsets.UTF_8), r -> answers.add(r.status() + " " + r.text()));
            loop.send("POST", "/chunked", new byte[0], r -> answers.add(r.status() + " " + new String(r.body(), StandardCharsets.UTF_8)));
            loop.send("DELETE", "/nothing", null, r -> answers.add(r.status() + " '" + r.text() + "'"));
            loop.send("GET", "/echo", null, r -> answers.add(r.status() + " " + r.text()));

            assertThat(loop.run(System.nanoTime() + TimeUnit.SECONDS.toNanos(10))).isTrue();
        }
        assertThat(answers).containsExactly("200 PUT Bearer t0k {\"a\":1}", "201 {\"id\":42}", "204 ''", "200 GET Bearer t0k ");
        assertThat(clientPorts).hasSize(1);
    }

    @Test
    void aConnectionTheServerClosesAfterItsAnswerIsOpenedAgain() throws IOException {
        List<String> answers = new ArrayList<>();
        try (ClientLoop loop = new ClientLoop(base, "t0k", 1)) {
            loop.send("GET", "/closing", null, r -> answers.add(r.text()));
            loop.send("GET", "/echo", null, r -> answers.add(r.text()));

            assertThat(loop.run(System.nanoTime() + TimeUnit.SECONDS.toNanos(10))).isTrue();
        }
        assertThat(answers).containsExactly("bye", "GET Bearer t0k ");
        assertThat(clientPorts).hasSize(2);
    }

    @Test
    void requestsBeyondTheConnectionsWaitForAFreeOne() throws IOException {
        int[] answered = new int[1];
        try (ClientLoop loop = new ClientLoop(base, "t0k", 2)) {
            for (int i = 0; i < 20; i++) {
                loop.send("POST", "/echo", ("" + i).getBytes(StandardCharsets.UTF_8), r -> answered[0]++);
            }

            assertThat(loop.run(System.nanoTime() + TimeUnit.SECONDS.toNanos(10))).isTrue();
        }
        assertThat(answered[0]).isEqualTo(20);
        assertThat(clientPorts).hasSizeBetween(1, 2);
    }

    @Test
    void timersRunInDueOrderThenInTheOrderSet() throws IOException {
        List<String> ran = new ArrayList<>();
        long now = System.nanoTime();
        try (ClientLoop loop = new ClientLoop(base, "t0k", 1)) {
            loop.at(now + TimeUnit.MILLISECONDS.toNanos(30), () -> ran.add("late"));
            loop.at(now + TimeUnit.MILLISECONDS.toNanos(5), () -> ran.add("first"));
            loop.at(now + TimeUnit.MILLISECONDS.toNanos(5), () -> loop.send("GET", "/echo", null, r -> ran.add("answered")));

            assertThat(loop.run(now + TimeUnit.SECONDS.toNanos(10))).isTrue();
        }
        assertThat(ran).containsExactly("first", "answered", "late");
        assertThat(System.nanoTime() - now).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(30));
    }

    @Test
    void runEndsAtItsEndWithARequestUnansweredAndAnotherRunFinishesIt() throws IOException {
        List<String> answers = new ArrayList<>();
        try (ClientLoop loop = new ClientLoop(base, "t0k", 1)) {
            loop.send("GET", "/slow", null, r -> answers.add(r.text()));

            assertThat(loop.run(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20))).isFalse();
            assertThat(answers).isEmpty();
            assertThat(loop.run(System.nanoTime() + TimeUnit.SECONDS.toNanos(10))).isTrue();
        }
        assertThat(answers).containsExactly("late");
    }

    @Test
    void aFailingCallbackEndsTheRunWithItsException() throws IOException {
        try (ClientLoop loop = new ClientLoop(base, "t0k", 1)) {
            loop.send("GET", "/echo", null, r -> {
                throw new IllegalStateException("unexpected HTTP " + r.status());
            });

            assertThatThrownBy(() -> loop.run(System.nanoTime() + TimeUnit.SECONDS.toNanos(10)))
                    .isInstanceOf(IllegalStateException.class).hasMessage("unexpected HTTP 200");
        }
    }

    @Test
    void aConnectionClosedBeforeTheAnswerEndsTheRunNamingTheRequest() throws IOException {
        try (ClientLoop loop = new ClientLoop(base, "t0k", 1)) {
            loop.send("DELETE", "/broken", null, r -> {
            });

            assertThatThrownBy(() -> loop.run(System.nanoTime() + TimeUnit.SECONDS.toNanos(10)))
                    .isInstanceOf(IOException.class).hasMessageContaining("DELETE /broken on connection 0")
                    .hasMessageContaining("closed by the server before the answer");
        }
    }
}
