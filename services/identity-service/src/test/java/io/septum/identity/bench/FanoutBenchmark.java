package io.septum.identity.bench;

import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueWatchOption;
import io.nats.client.api.KeyValueWatcher;
import io.septum.model.kv.Buckets;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Fan-out: how long after an allocation is sent its identity reaches each of many watching enforcer connections.
 * Opens {@code bench.watchers} NATS connections, each watching the identities bucket as an enforcer does, then makes
 * {@code bench.allocations} allocations of new label sets one after the other (REST, {@code bench.gapMillis} apart),
 * and records, per allocation and connection, the time from just before the request to the arrival of the key.
 * Prints one line of JSON; BENCHMARKS.md explains its fields.
 */
public final class FanoutBenchmark {

    public static void main(String[] args) throws Exception {
        int watchers = Bench.intSetting("watchers", 100);
        int allocations = Bench.intSetting("allocations", 300);
        int gapMillis = Bench.intSetting("gapMillis", 20);
        int warmup = Bench.intSetting("warmupAllocations", 50);
        String run = Long.toString(System.currentTimeMillis(), 36);
        Map<String, Object> result = Bench.result("identity-fanout");

        // key -> arrival time (System.nanoTime) at each watcher
        Map<String, long[]> arrivals = new ConcurrentHashMap<>();
        List<Connection> connections = new ArrayList<>();
        try {
            for (int w = 0; w < watchers; w++) {
                Connection connection = Nats.connect(new Options.Builder().server(Bench.natsUrl())
                        .connectionName("fanout-watcher-" + w).build());
                connections.add(connection);
                KeyValue kv = connection.keyValue(Buckets.IDENTITIES);
                int index = w;
                kv.watchAll(new KeyValueWatcher() {
                    @Override
                    public void watch(KeyValueEntry entry) {
                        long now = System.nanoTime();
                        arrivals.computeIfAbsent(entry.getKey(), k -> new long[watchers])[index] = now;
                    }

                    @Override
                    public void endOfData() {
                    }
                }, KeyValueWatchOption.UPDATES_ONLY);
            }

            Latencies answered = new Latencies();
            Map<String, Long> sentAt = new ConcurrentHashMap<>();
            try (ClientLoop loop = new ClientLoop(Bench.url(), Bench.token(), 1)) {
                new Allocations(loop, run, warmup, warmup + allocations, gapMillis, answered, sentAt).allocate(0);
                long limit = TimeUnit.MILLISECONDS.toNanos((long) (warmup + allocations) * gapMillis) + TimeUnit.SECONDS.toNanos(60);
                if (!loop.run(System.nanoTime() + limit)) {
                    throw new IllegalStateException((warmup + allocations) + " allocations not all answered within " + limit / 1_000_000_000L + " s");
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline && !allArrived(sentAt, arrivals, watchers)) {
                TimeUnit.MILLISECONDS.sleep(50);
            }

            Latencies each = new Latencies();
            Latencies last = new Latencies();
            long missing = 0;
            for (var sent : sentAt.entrySet()) {
                long[] times = arrivals.get(sent.getKey());
                long latest = 0;
                for (int w = 0; w < watchers; w++) {
                    if (times == null || times[w] == 0) {
                        missing++;
                        continue;
                    }
                    each.add(times[w] - sent.getValue());
                    latest = Math.max(latest, times[w] - sent.getValue());
                }
                last.add(latest);
            }
            Latencies deliveries = Latencies.merge(List.of(each));
            Latencies everyone = Latencies.merge(List.of(last));
            Latencies answers = Latencies.merge(List.of(answered));
            result.put("watchers", watchers);
            result.put("allocations", allocations);
            result.put("deliveries", deliveries.size());
            result.put("missing", missing);
            result.put("p50Ms", deliveries.quantileMillis(0.50));
            result.put("p99Ms", deliveries.quantileMillis(0.99));
            result.put("maxMs", deliveries.quantileMillis(1.0));
            result.put("allWatchersP50Ms", everyone.quantileMillis(0.50));
            result.put("allWatchersP99Ms", everyone.quantileMillis(0.99));
            result.put("answerP50Ms", answers.quantileMillis(0.50));
            result.put("answerP99Ms", answers.quantileMillis(0.99));
        } finally {
            for (Connection c : connections) {
                c.close();
            }
        }
        Bench.print(result);
    }

    /** Allocations one after the other, each gapMillis after the previous was answered, on the client loop's thread. */
    private record Allocations(ClientLoop loop, String run, int warmup, int count, int gapMillis, Latencies answered,
                               Map<String, Long> sentAt) {
        void allocate(int i) {
            loop.send("POST", "/v1/identities", AllocationBenchmark.body("fanout-" + run + "-" + i), response -> {
                if (response.status() != 201) {
                    throw new IllegalStateException("allocation " + i + ": HTTP " + response.status() + " " + response.text());
                }
                if (i >= warmup) {
                    answered.add(response.answeredNanos() - response.sentNanos());
                    sentAt.put(Integer.toString(Bench.JSON.readTree(response.body()).get("id").asInt()), response.sentNanos());
                }
                if (i + 1 < count) {
                    loop.at(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(gapMillis), () -> allocate(i + 1));
                }
            });
        }
    }

    private static boolean allArrived(Map<String, Long> sentAt, Map<String, long[]> arrivals, int watchers) {
        for (String key : sentAt.keySet()) {
            long[] times = arrivals.get(key);
            if (times == null) {
                return false;
            }
            for (int w = 0; w < watchers; w++) {
                if (times[w] == 0) {
                    return false;
                }
            }
        }
        return true;
    }
}
