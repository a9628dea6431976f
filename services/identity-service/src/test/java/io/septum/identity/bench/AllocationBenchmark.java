package io.septum.identity.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Allocations per second through the REST API (POST /v1/identities) with many concurrent clients, each a
 * keep-alive connection (all driven by one thread, {@link ClientLoop}) sending its next request as soon as the previous one is answered: first of label sets never
 * seen before (each a new identity: a row in PostgreSQL and a key in the identities bucket before the answer), then of
 * the sets the first phase created (already known). Prints one line of JSON; BENCHMARKS.md explains its fields.
 */
public final class AllocationBenchmark {

    /** A phase's figures; CPU is measured over the measured seconds (not the warm-up) and divided by what they answered. */
    private record Phase(double perSecond, long requests, long errors, Latencies latencies, CpuMeter.Sample cpuBefore,
                         CpuMeter.Sample cpuAfter) {
    }

    public static void main(String[] args) throws Exception {
        int clients = Bench.intSetting("clients", 64);
        int seconds = Bench.intSetting("seconds", 30);
        int warmup = Bench.intSetting("warmup", 40);
        String run = Long.toString(System.currentTimeMillis(), 36);

        List<List<String>> created = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            created.add(new ArrayList<>());
        }
        Phase fresh = run(clients, warmup, seconds, 201, (client, n) -> {
            String app = "bench-" + run + "-" + client + "-" + n;
            created.get(client).add(app);
            return body(app);
        });
        List<String> known = created.stream().flatMap(List::stream).toList();
        Phase again = System.getProperty("bench.phases", "new,known").contains("known")
                ? run(clients, warmup, seconds, 200, (client, n) -> body(known.get(ThreadLocalRandom.current().nextInt(known.size()))))
                : new Phase(0, 0, 0, new Latencies(), null, null);

        Map<String, Object> result = Bench.result("identity-alloc");
        result.put("clients", clients);
        result.put("seconds", seconds);
        result.put("newPerSecond", Bench.round(fresh.perSecond));
        result.put("newP50Ms", fresh.latencies.quantileMillis(0.50));
        result.put("newP99Ms", fresh.latencies.quantileMillis(0.99));
        result.put("knownSets", known.size());
        result.put("knownPerSecond", Bench.round(again.perSecond));
        result.put("knownP50Ms", again.latencies.quantileMillis(0.50));
        result.put("knownP99Ms", again.latencies.quantileMillis(0.99));
        result.put("errors", fresh.errors + again.errors);
        result.put("cpuMicrosPerNew", fresh.cpuAfter.microsPerOperation(fresh.cpuBefore, fresh.requests));
        result.put("projectedNewPerSecond", fresh.cpuAfter.projectedPerSecond(fresh.cpuBefore, fresh.requests));
        if (again.requests > 0) {
            result.put("cpuMicrosPerKnown", again.cpuAfter.microsPerOperation(again.cpuBefore, again.requests));
            result.put("projectedKnownPerSecond", again.cpuAfter.projectedPerSecond(again.cpuBefore, again.requests));
        }
        Bench.print(result);
    }

    /** The body of a client's next POST. */
    @FunctionalInterface
    interface Bodies {
        byte[] next(int client, long n);
    }

    /** A pod's identity labels as an endpoint of a Deployment has them: its app, tier and namespace. */
    static byte[] body(String app) {
        return ("{\"labels\":[\"k8s:app=" + app + "\",\"k8s:tier=backend\",\"k8s:io.kubernetes.pod.namespace=bench\","
                + "\"k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=bench\"]}").getBytes(StandardCharsets.UTF_8);
    }

    /** Runs the clients for warmup + seconds; counts and times only what completes within the measured seconds. */
    static Phase run(int clients, int warmup, int seconds, int expectedStatus, Bodies requests) throws InterruptedException {
        long start = System.nanoTime() + warmup * 1_000_000_000L;
        long end = start + seconds * 1_000_000_000L;
        CpuMeter meter = Bench.cpu();
        CpuMeter.Sample[] cpu = new CpuMeter.Sample[2];
        // a daemon: a run whose clients fail must not wait for it to end
        Thread sampler = Thread.ofPlatform().name("cpu-sampler").daemon().start(() -> {
            try {
                java.util.concurrent.TimeUnit.NANOSECONDS.sleep(start - System.nanoTime());
                cpu[0] = meter.sample();
                java.util.concurrent.TimeUnit.NANOSECONDS.sleep(end - System.nanoTime());
                cpu[1] = meter.sample();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        AtomicLong counted = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        Latencies latencies = new Latencies();
        try (ClientLoop loop = new ClientLoop(Bench.url(), Bench.token(), clients)) {
            // each client sends its next request as soon as the previous is answered, until the end
            ClientLoop.Callback[] next = new ClientLoop.Callback[clients];
            long[] sent = new long[clients];
            for (int c = 0; c < clients; c++) {
                int client = c;
                next[c] = response -> {
                    int status = response.status();
                    if (status != expectedStatus && errors.get() < 5) {
                        System.err.println("unexpected " + status + ": " + response.text());
                    }
                    if (response.sentNanos() >= start && response.answeredNanos() <= end) {
                        if (status == expectedStatus) {
                            counted.incrementAndGet();
                            latencies.add(response.answeredNanos() - response.sentNanos());
                        } else {
                            errors.incrementAndGet();
                        }
                    }
                    if (System.nanoTime() < end) {
                        loop.send("POST", "/v1/identities", requests.next(client, sent[client]++), next[client]);
                    }
                };
                loop.send("POST", "/v1/identities", requests.next(client, sent[client]++), next[client]);
            }
            loop.run(end);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("run " + clients + " clients against " + Bench.url(), e);
        }
        sampler.join();
        return new Phase(counted.get() / (double) seconds, counted.get() + errors.get(), errors.get(), Latencies.merge(List.of(latencies)), cpu[0], cpu[1]);
    }
}
