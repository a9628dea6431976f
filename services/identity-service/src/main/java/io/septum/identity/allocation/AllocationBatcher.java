package io.septum.identity.allocation;

import io.septum.identity.distribution.BatchQueue;
import io.septum.identity.distribution.BucketTransactions;
import io.septum.identity.distribution.Outcome;
import jakarta.inject.Singleton;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Answers POST /v1/identities in shared transactions: requests that arrive while {@code max-in-flight} allocation
 * transactions run wait in a queue, and the next transaction takes up to {@code max-batch} of them at once — one
 * allocate_identities statement, one burst of bucket writes, one commit for all. Under light load a request goes
 * alone, at once; under heavy load the cost of a transaction is shared by many. A transaction starts beside a running
 * one only once {@code min-beside} requests wait ({@link BatchQueue}). No timer: batches form only from requests that
 * would otherwise wait. Every request still gets the guarantee of its own transaction: its identity is
 * in PostgreSQL and in the identities bucket before it is answered, or it fails.
 */
@Singleton
public class AllocationBatcher {

    private record Pending(IdentityLabels labels, Outcome<Allocation> outcome) {
    }

    private final IdentityAllocator allocator;
    private final BucketTransactions transactions;
    private final KnownIdentities known;
    private final BatchQueue<Pending> queue;

    public AllocationBatcher(IdentityAllocator allocator, BucketTransactions transactions, KnownIdentities known, IdentityConfig config) {
        this.allocator = allocator;
        this.transactions = transactions;
        this.known = known;
        this.queue = new BatchQueue<>(config.allocation().maxBatch(), config.allocation().maxInFlight(),
                config.allocation().minBeside(), this::run);
    }

    /**
     * The identity of identity-relevant labels that name no reserved identity, allocated when new, handed to
     * {@code outcome} on the thread that ends the transaction.
     */
    public void allocate(IdentityLabels relevant, Outcome<Allocation> outcome) {
        queue.add(new Pending(relevant, outcome));
    }

    private void run(List<Pending> batch) {
        long started = System.nanoTime();
        Map<String, IdentityLabels> sets = new LinkedHashMap<>();
        batch.forEach(p -> sets.putIfAbsent(p.labels.canonical(), p.labels));
        transactions.run((connection, changes) -> allocator.allocate(connection, sets.values(), false, changes)).onComplete(done -> {
            queue.ended();
            if (done.failed()) {
                batch.forEach(p -> answer(p, null, done.cause()));
                return;
            }
            Map<String, Allocation> allocations = done.result();
            Set<String> createdAnswered = new HashSet<>();
            for (Pending p : batch) {
                String canonical = p.labels.canonical();
                Allocation allocation = allocations.get(canonical);
                known.confirmed(canonical, allocation.identity(), started);
                // of several requests for one new set, the first is told it created it
                boolean created = allocation.created() && createdAnswered.add(canonical);
                answer(p, new Allocation(allocation.identity(), created), null);
            }
        });
    }

    private static void answer(Pending p, Allocation allocation, Throwable failure) {
        Outcome.tell(p.outcome, allocation, failure, () -> "the allocation of " + p.labels.canonical());
    }
}
