package io.septum.identity.bench;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatchOption;
import io.nats.client.api.KeyValueWatcher;
import io.septum.model.kv.Buckets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Garbage collection under pod churn: {@code bench.rate} pods a second are registered (PUT endpoint, each with labels
 * of its own, so each brings a new identity) and each is deleted {@code bench.lifetimeMillis} later, so the service
 * takes as many deletions as creations a second, and must collect as many identities a second to keep up. Measures
 * the rates achieved, the identities collected a second (deletes seen on the identities bucket, as an enforcer sees
 * them) and, per identity, the delay from its last endpoint's deletion to its removal from the bucket — at least the
 * grace period plus the memory ttl the service was given, more when collection falls behind. Then waits for the
 * backlog to drain. Prints one line of JSON; BENCHMARKS.md explains its fields.
 */
public final class CollectionBenchmark {

    public static void main(String[] args) {
        // a failure must end the JVM: the watcher's NATS threads would keep it (and the bench lock) alive otherwise
        try {
            run();
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
        System.out.flush();
        System.exit(0);
    }

    private static void run() throws Exception {
        int rate = Bench.intSetting("rate", 1000);
        int seconds = Bench.intSetting("seconds", 30);
        int warmup = Bench.intSetting("warmup", 20);
        int lifetimeMillis = Bench.intSetting("lifetimeMillis", 2000);
        int threads = Bench.intSetting("clients", 48);
        long expectedDelayMillis = Bench.intSetting("expectedDelayMillis", 0);
        String run = Long.toString(System.currentTimeMillis(), 36);
        String namespace = "gcbench-" + run;
        Map<String, Object> result = Bench.result("identity-gc");

        try (RawHttp setup = new RawHttp(Bench.url())) {
            RawHttp.Response ns = setup.put("/v1/namespaces/" + namespace, "{}".getBytes(StandardCharsets.UTF_8));
            if (ns.status() != 200) {
                throw new IllegalStateException("create namespace: HTTP " + ns.status() + " " + ns.text());
            }
        }

        Map<Integer, Long> deletedAt = new ConcurrentHashMap<>();   // identity -> its pod's delete answered (nanoTime)
        Map<Integer, Long> collectedAt = new ConcurrentHashMap<>(); // identity -> its bucket key deleted (nanoTime)
        long start = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmup);
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        AtomicLong collectedInWindow = new AtomicLong();
        Connection watcher = Nats.connect(Bench.natsUrl());
        watcher.keyValue(Buckets.IDENTITIES).watchAll(new KeyValueWatcher() {
            @Override
            public void watch(KeyValueEntry entry) {
                if (entry.getOperation() != KeyValueOperation.PUT) {
                    long now = System.nanoTime();
                    collectedAt.put(Integer.parseInt(entry.getKey()), now);
                    if (now >= start && now < end) {
                        collectedInWindow.incrementAndGet();
                    }
                }
            }

            @Override
            public void endOfData() {
            }
        }, KeyValueWatchOption.UPDATES_ONLY);

        CpuMeter meter = Bench.cpu();
        CpuMeter.Sample cpuBefore = meter.sample();
        AtomicLong created = new AtomicLong();
        AtomicLong createdAll = new AtomicLong();
        AtomicLong deleted = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        List<Latencies> putLatencies = new ArrayList<>();
        List<Latencies> deleteLatencies = new ArrayList<>();
        ThreadLocal<RawHttp> http = ThreadLocal.withInitial(() -> new RawHttp(Bench.url()));
        ThreadLocal<Latencies> puts = ThreadLocal.withInitial(() -> register(putLatencies, new Latencies()));
        ThreadLocal<Latencies> deletes = ThreadLocal.withInitial(() -> register(deleteLatencies, new Latencies()));
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(threads);
        long origin = System.nanoTime();
        long total = (long) rate * (warmup + seconds);
        for (long i = 0; i < total; i++) {
            long n = i;
            long due = origin + n * 1_000_000_000L / rate;
            scheduler.schedule(() -> {
                String pod = "pod-" + n;
                String ip = "10." + (100 + (n >> 16)) + "." + ((n >> 8) & 255) + "." + (n & 255);
                byte[] body = ("{\"node\":\"bench-node\",\"ip\":\"" + ip + "\",\"labels\":{\"app\":\"gc-" + run + "-" + n + "\"}}")
                        .getBytes(StandardCharsets.UTF_8);
                long sent = System.nanoTime();
                try {
                    RawHttp.Response response = http.get().put("/v1/endpoints/" + namespace + "/" + pod, body);
                    long answered = System.nanoTime();
                    if (response.status() != 200) {
                        count(errors, response);
                        return;
                    }
                    createdAll.incrementAndGet();
                    if (sent >= start && sent < end) {
                        created.incrementAndGet();
                        puts.get().add(answered - sent);
                    }
                    int identity = Bench.JSON.readTree(response.body()).path("identity").path("id").asInt();
                    scheduler.schedule(() -> delete(http.get(), namespace, pod, identity, start, end, deleted, errors, deletes.get(), deletedAt),
                            lifetimeMillis, TimeUnit.MILLISECONDS);
                } catch (IOException e) {
                    count(errors, "register " + pod, e);
                }
            }, due - System.nanoTime(), TimeUnit.NANOSECONDS);
        }
        long lastDelete = origin + total * 1_000_000_000L / rate + TimeUnit.MILLISECONDS.toNanos(lifetimeMillis);
        TimeUnit.NANOSECONDS.sleep(Math.max(0, lastDelete - System.nanoTime()) + TimeUnit.SECONDS.toNanos(1));
        scheduler.shutdown();
        scheduler.awaitTermination(60, TimeUnit.SECONDS);

        // the backlog drains: every identity whose pod was deleted goes, at the latest a while after its delay
        long drainFrom = System.nanoTime();
        long drainDeadline = drainFrom + TimeUnit.MILLISECONDS.toNanos(expectedDelayMillis) + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < drainDeadline && !collectedAt.keySet().containsAll(deletedAt.keySet())) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        double drainSeconds = (System.nanoTime() - drainFrom) / 1e9;
        CpuMeter.Sample cpuAfter = meter.sample();
        watcher.close();

        Latencies delays = new Latencies();
        long left = 0;
        for (var entry : deletedAt.entrySet()) {
            Long collected = collectedAt.get(entry.getKey());
            if (collected == null) {
                left++;
            } else {
                delays.add(collected - entry.getValue());
            }
        }
        Latencies delay = Latencies.merge(List.of(delays));
        Latencies put = Latencies.merge(putLatencies);
        Latencies delete = Latencies.merge(deleteLatencies);
        result.put("targetPerSecond", rate);
        result.put("seconds", seconds);
        result.put("podLifetimeMs", lifetimeMillis);
        result.put("createdPerSecond", Bench.round(created.get() / (double) seconds));
        result.put("deletedPerSecond", Bench.round(deleted.get() / (double) seconds));
        result.put("collectedPerSecond", Bench.round(collectedInWindow.get() / (double) seconds));
        result.put("configuredDelayMs", expectedDelayMillis);
        result.put("collectionDelayP50Ms", delay.quantileMillis(0.50));
        result.put("collectionDelayP99Ms", delay.quantileMillis(0.99));
        result.put("collectionDelayMaxMs", delay.quantileMillis(1.0));
        result.put("drainSeconds", Bench.round(drainSeconds));
        result.put("identitiesLeft", left);
        result.put("putP50Ms", put.quantileMillis(0.50));
        result.put("putP99Ms", put.quantileMillis(0.99));
        result.put("deleteP50Ms", delete.quantileMillis(0.50));
        result.put("deleteP99Ms", delete.quantileMillis(0.99));
        result.put("errors", errors.get());
        // a pod's whole life: registration, deletion, its identity's marking and collection
        result.put("cpuMicrosPerPod", cpuAfter.microsPerOperation(cpuBefore, createdAll.get()));
        result.put("projectedPodsPerSecond", cpuAfter.projectedPerSecond(cpuBefore, createdAll.get()));
        Bench.print(result);
    }

    private static void delete(RawHttp http, String namespace, String pod, int identity, long start, long end, AtomicLong deleted,
                               AtomicLong errors, Latencies latencies, Map<Integer, Long> deletedAt) {
        long sent = System.nanoTime();
        try {
            RawHttp.Response response = http.delete("/v1/endpoints/" + namespace + "/" + pod);
            long answered = System.nanoTime();
            if (response.status() != 204) {
                count(errors, response);
                return;
            }
            deletedAt.put(identity, answered);
            if (sent >= start && sent < end) {
                deleted.incrementAndGet();
                latencies.add(answered - sent);
            }
        } catch (IOException e) {
            count(errors, "delete " + pod, e);
        }
    }

    private static void count(AtomicLong errors, RawHttp.Response response) {
        if (errors.incrementAndGet() <= 5) {
            System.err.println("unexpected HTTP " + response.status() + ": " + response.text());
        }
    }

    private static void count(AtomicLong errors, String what, IOException e) {
        if (errors.incrementAndGet() <= 5) {
            System.err.println(what + ": " + e);
        }
    }

    private static Latencies register(List<Latencies> all, Latencies one) {
        synchronized (all) {
            all.add(one);
        }
        return one;
    }
}
