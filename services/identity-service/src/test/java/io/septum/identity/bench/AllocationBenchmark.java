package io.septum.identity.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Allocations per second through the REST API (POST /v1/identities) with many concurrent clients, each a
 * keep-alive connection sending its next request as soon as the previous one is answered: first of label sets never
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
        int seconds = Bench.intSetting("seconds", 20);
        int warmup = Bench.intSetting("warmup", 30);
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

    /** A pod's identity labels as an endpoint of a Deployment has them: its app, tier and namespace. */
    static byte[] body(String app) {
        return ("{\"labels\":[\"k8s:app=" + app + "\",\"k8s:tier=backend\",\"k8s:io.kubernetes.pod.namespace=bench\","
                + "\"k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=bench\"]}").getBytes(StandardCharsets.UTF_8);
    }

    @FunctionalInterface
    interface Requests {
        byte[] next(int client, long n);
    }

    /** Runs the clients for warmup + seconds; counts and times only what completes within the measured seconds. */
    static Phase run(int clients, int warmup, int seconds, int expectedStatus, Requests requests) throws InterruptedException {
        long start = System.nanoTime() + warmup * 1_000_000_000L;
        long end = start + seconds * 1_000_000_000L;
        CpuMeter meter = Bench.cpu();
        CpuMeter.Sample[] cpu = new CpuMeter.Sample[2];
        Thread sampler = Thread.ofPlatform().name("cpu-sampler").start(() -> {
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
        List<Latencies> latencies = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            int client = c;
            Latencies mine = new Latencies();
            latencies.add(mine);
            Thread.ofPlatform().name("client-" + c).start(() -> {
                try (RawHttp http = new RawHttp(Bench.url())) {
                    long n = 0;
                    for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
                        byte[] body = requests.next(client, n++);
                        long sent = System.nanoTime();
                        int status;
                        try {
                            RawHttp.Response response = http.post("/v1/identities", body);
                            status = response.status();
                            if (status != expectedStatus && errors.get() < 5) {
                                System.err.println("unexpected " + status + ": " + response.text());
                            }
                        } catch (java.io.IOException e) {
                            status = 0;
                            System.err.println("request failed: " + e);
                        }
                        long answered = System.nanoTime();
                        if (sent >= start && answered <= end) {
                            if (status == expectedStatus) {
                                counted.incrementAndGet();
                                mine.add(answered - sent);
                            } else {
                                errors.incrementAndGet();
                            }
                        }
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();
        sampler.join();
        return new Phase(counted.get() / (double) seconds, counted.get() + errors.get(), errors.get(), Latencies.merge(latencies), cpu[0], cpu[1]);
    }
}
