package io.septum.identity.bench;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatchOption;
import io.nats.client.api.KeyValueWatcher;
import io.septum.model.kv.Buckets;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Garbage collection under pod churn: {@code bench.rate} pods a second are registered (PUT endpoint, each with labels
 * of its own, so each brings a new identity) and each is deleted {@code bench.lifetimeMillis} later, so the service
 * takes as many deletions as creations a second, and must collect as many identities a second to keep up. Measures
 * the rates achieved, the identities collected a second (deletes seen on the identities bucket, as an enforcer sees
 * them) and, per identity, the delay from its last endpoint's deletion to its removal from the bucket — at least the
 * grace period plus the memory ttl the service was given, more when collection falls behind. Then waits for the
 * backlog to drain. The requests go out on {@code bench.clients} keep-alive connections driven by one thread
 * ({@link ClientLoop}); a request due while all are busy waits for the first free one. Prints one line of JSON;
 * BENCHMARKS.md explains its fields.
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
        int clients = Bench.intSetting("clients", 48);
        long expectedDelayMillis = Bench.intSetting("expectedDelayMillis", 0);
        String run = Long.toString(System.currentTimeMillis(), 36);
        String namespace = "gcbench-" + run;
        Map<String, Object> result = Bench.result("identity-gc");

        ClientLoop loop = new ClientLoop(Bench.url(), Bench.token(), clients);
        loop.send("PUT", "/v1/namespaces/" + namespace, "{}".getBytes(StandardCharsets.UTF_8), response -> {
            if (response.status() != 200) {
                throw new IllegalStateException("create namespace " + namespace + ": HTTP " + response.status() + " " + response.text());
            }
        });
        if (!loop.run(System.nanoTime() + TimeUnit.SECONDS.toNanos(30))) {
            throw new IllegalStateException("create namespace " + namespace + ": no answer within 30 s");
        }

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
        long origin = System.nanoTime();
        long total = (long) rate * (warmup + seconds);
        Churn churn = new Churn(loop, namespace, run, rate, lifetimeMillis, origin, total, start, end);
        loop.at(origin, () -> churn.register(0));
        long lastDelete = origin + total * 1_000_000_000L / rate + TimeUnit.MILLISECONDS.toNanos(lifetimeMillis);
        if (!loop.run(lastDelete + TimeUnit.SECONDS.toNanos(60))) {
            // a service slower than the rate asked (a loaded machine): the figures count what was answered, as the
            // rates, the latencies and identitiesLeft (only pods whose deletion was answered) show
            System.err.println("the service fell behind: 60 s after the last deletion was due, " + loop.backlog()
                    + " (" + churn.createdAll + " of " + total + " pods registered); those are abandoned");
        }
        loop.close();
        Map<Integer, Long> deletedAt = churn.deletedAt;

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
        Latencies put = Latencies.merge(List.of(churn.puts));
        Latencies delete = Latencies.merge(List.of(churn.deletes));
        result.put("targetPerSecond", rate);
        result.put("seconds", seconds);
        result.put("podLifetimeMs", lifetimeMillis);
        result.put("createdPerSecond", Bench.round(churn.created / (double) seconds));
        result.put("deletedPerSecond", Bench.round(churn.deleted / (double) seconds));
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
        result.put("errors", churn.errors);
        // a pod's whole life: registration, deletion, its identity's marking and collection
        result.put("cpuMicrosPerPod", cpuAfter.microsPerOperation(cpuBefore, churn.createdAll));
        result.put("projectedPodsPerSecond", cpuAfter.projectedPerSecond(cpuBefore, churn.createdAll));
        Bench.print(result);
    }

    /**
     * The pods' coming and going, on the client loop's thread: pod n registered at origin + n / rate, deleted
     * lifetimeMillis after its registration is answered; counts and times what is sent within [start, end).
     */
    private static final class Churn {
        final Map<Integer, Long> deletedAt = new HashMap<>(); // identity -> its pod's delete answered (nanoTime)
        final Latencies puts = new Latencies();
        final Latencies deletes = new Latencies();
        long created;
        long createdAll;
        long deleted;
        long errors;
        private final ClientLoop loop;
        private final String namespace;
        private final String run;
        private final int rate;
        private final long lifetimeNanos;
        private final long origin;
        private final long total;
        private final long start;
        private final long end;

        Churn(ClientLoop loop, String namespace, String run, int rate, int lifetimeMillis, long origin, long total, long start,
              long end) {
            this.loop = loop;
            this.namespace = namespace;
            this.run = run;
            this.rate = rate;
            this.lifetimeNanos = TimeUnit.MILLISECONDS.toNanos(lifetimeMillis);
            this.origin = origin;
            this.total = total;
            this.start = start;
            this.end = end;
        }

        void register(long n) {
            if (n + 1 < total) {
                loop.at(origin + (n + 1) * 1_000_000_000L / rate, () -> register(n + 1));
            }
            String pod = "/v1/endpoints/" + namespace + "/pod-" + n;
            String ip = "10." + (100 + (n >> 16)) + "." + ((n >> 8) & 255) + "." + (n & 255);
            byte[] body = ("{\"node\":\"bench-node\",\"ip\":\"" + ip + "\",\"labels\":{\"app\":\"gc-" + run + "-" + n + "\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            loop.send("PUT", pod, body, response -> {
                if (response.status() != 200) {
                    error(response);
                    return;
                }
                createdAll++;
                if (response.sentNanos() >= start && response.sentNanos() < end) {
                    created++;
                    puts.add(response.answeredNanos() - response.sentNanos());
                }
                int identity = Bench.JSON.readTree(response.body()).path("identity").path("id").asInt();
                loop.at(response.answeredNanos() + lifetimeNanos, () -> delete(pod, identity));
            });
        }

        private void delete(String pod, int identity) {
            loop.send("DELETE", pod, null, response -> {
                if (response.status() != 204) {
                    error(response);
                    return;
                }
                deletedAt.put(identity, response.answeredNanos());
                if (response.sentNanos() >= start && response.sentNanos() < end) {
                    deleted++;
                    deletes.add(response.answeredNanos() - response.sentNanos());
                }
            });
        }

        private void error(ClientLoop.Response response) {
            if (++errors <= 5) {
                System.err.println("unexpected HTTP " + response.status() + ": " + response.text());
            }
        }
    }
}
