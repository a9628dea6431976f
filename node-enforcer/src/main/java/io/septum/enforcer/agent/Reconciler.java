package io.septum.enforcer.agent;

import io.septum.enforcer.agent.cluster.ClusterEvent;
import io.septum.enforcer.agent.endpoints.EndpointView;
import io.septum.enforcer.agent.endpoints.HostEndpoint;
import io.septum.enforcer.agent.endpoints.LocalEndpoint;
import io.septum.enforcer.agent.tracing.ChangeTracing;
import io.septum.enforcer.agent.tracing.PassTrace;
import io.septum.enforcer.controlplane.cluster.ClusterChanges;
import io.septum.enforcer.controlplane.cluster.ClusterState;
import io.septum.enforcer.controlplane.mapstate.MapStateDiff;
import io.septum.enforcer.controlplane.mapstate.PolicyEntry;
import io.septum.enforcer.controlplane.mapstate.PolicyKey;
import io.septum.enforcer.controlplane.mapstate.RuleRefs;
import io.septum.enforcer.controlplane.resolve.EndpointPolicyResolver;
import io.septum.enforcer.controlplane.resolve.EndpointSubject;
import io.septum.enforcer.controlplane.resolve.PolicyBudget;
import io.septum.enforcer.controlplane.resolve.PolicyInputs;
import io.septum.enforcer.controlplane.resolve.Resolution;
import io.septum.enforcer.datapath.BpfException;
import io.septum.enforcer.datapath.EnforcementMaps;
import io.septum.enforcer.datapath.EndpointInfo;
import io.septum.enforcer.datapath.IpcacheValue;
import io.septum.enforcer.datapath.Ipv4Prefix;
import io.septum.enforcer.datapath.PolicyMapKey;
import io.septum.enforcer.datapath.PolicyMapValue;
import io.septum.model.identity.NumericIdentity;
import io.septum.model.kv.BucketRevisions;
import io.septum.model.kv.Buckets;
import io.septum.model.kv.IpcacheRecord;
import io.septum.model.labels.Labels;
import io.septum.model.net.Ipv4Cidr;
import io.septum.model.policy.Direction;
import io.septum.model.policy.rules.PolicyRules;
import io.septum.model.policy.PolicyRef;
import io.septum.model.policy.rules.RuleRef;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns the cluster state and the local endpoints into BPF map contents, on one thread that owns all of
 * it. Every task (a bucket change, an endpoint added by the CNI plugin) runs on that thread; after each
 * burst of tasks one pass recomputes the local endpoints that the burst can have affected (see
 * {@link PolicyInputs#affectedBy}), diffs each against what the maps hold and writes only the difference,
 * in batches. Nothing is written before all three buckets have delivered their contents, so a restarted
 * enforcer never narrows or widens what its pinned maps enforce in the meantime.
 *
 * <p>Order of writes in a pass, so that a packet never sees less than both the old and the new state allow
 * in common: every endpoint's new entries, then new prefixes, then stale prefixes, then stale entries, then
 * epoch bumps for the endpoints whose access may have shrunk. An endpoint whose new policy does not fit its
 * budget or the map keeps its previous entries, all of them, and reports why.
 */
public final class Reconciler implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Reconciler.class.getName());

    private final EnforcementMaps datapath;
    private final String nodeNetns;
    private final EndpointPolicyResolver resolver;
    private final PolicyBudget budget;
    private final Consumer<Snapshot> onApplied;

    private final ClusterState cluster = new ClusterState();
    private final RuleRefs ruleRefs = new RuleRefs();
    private final Map<String, PolicyRef> policyKeys = new HashMap<>();
    private final Map<String, EndpointRuntime> endpoints = new TreeMap<>();
    private final Map<Ipv4Prefix, IpcacheValue> realizedIpcache = new HashMap<>();
    private final Map<Ipv4Prefix, Integer> realizedPrefixes = new HashMap<>();
    private final Map<String, Long> seen = new HashMap<>();
    private final Set<String> synced = new HashSet<>();
    private final Map<String, String> problems = new TreeMap<>();
    private final Map<Ipv4Prefix, Integer> nodeAddresses;
    private BucketRevisions applied = BucketRevisions.NONE;
    private boolean adopted;
    /** Policy entries of endpoints that no longer exist are swept once, after the first synced pass. */
    private boolean cleanedStalePolicy;
    private long endpointsResolved;

    private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private final List<Runnable> afterPass = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private boolean dirty;
    /**
     * The ipcache map may differ from the cluster's ipcache: an ipcache change arrived, or a pass failed, since it was
     * last synced. A pass syncs it only then, not on every policy change (a cluster's ipcache has an entry per pod).
     */
    private boolean ipcacheDirty = true;
    private ChangeTracing tracing = ChangeTracing.off();
    /** This node as an endpoint, judged on its uplink; null: the node's own traffic is not judged. */
    private HostEndpoint host;
    /** Traced changes applied since the last full pass (reconciler thread). */
    private final List<ChangeTracing.TracedChange> tracedChanges = new ArrayList<>();

    /** What the status report needs, taken on the reconciler thread after a pass. */
    public record Snapshot(BucketRevisions applied, boolean synced, int endpoints, int endpointsReady, List<String> problems) {
    }

    private static final class EndpointRuntime {
        LocalEndpoint spec;
        int ifindex;
        int identity;
        Labels identityLabels = Labels.EMPTY;
        int epoch;
        Map<PolicyKey, PolicyEntry> realized = new HashMap<>();
        /** What {@code realized} was computed from; null = recompute on the next pass. */
        PolicyInputs inputs;
        /** What a policy over the per-endpoint budget was computed from: no use retrying while they hold. */
        PolicyInputs overBudget;
        String problem;
        boolean ready;
        /** EndpointInfo flags: the directions audited (see {@link Resolution#audited()}). */
        int flags;
        /** The host endpoint: fixed identity and labels (no ipcache entry, no lease), also under the host key. */
        boolean host;
    }

    /** Endpoint entry key of the host endpoint's copy for the pod programs (bpf-src/lib/host.h: HOST_ENDPOINT_KEY). */
    static final int HOST_ENDPOINT_KEY = 0;

    /**
     * An endpoint's policy change, decided and checked against the budget before anything is written.
     *
     * @param newKeys the puts whose keys the endpoint does not hold yet: what the change adds to the map's use
     */
    private record Plan(EndpointRuntime runtime, Resolution desired, MapStateDiff diff, boolean narrows, int newKeys) {
    }

    /**
     * @param policyEntriesPerEndpoint the most policy map entries one endpoint may use; at most the policy
     *                                 map's capacity (as pinned)
     */
    public Reconciler(EnforcementMaps datapath, String nodeNetns, boolean allowFromHost, int policyEntriesPerEndpoint,
            Consumer<Snapshot> onApplied) {
        this(datapath, nodeNetns, allowFromHost, policyEntriesPerEndpoint, Map.of(), onApplied);
    }

    /**
     * @param nodeAddresses addresses of the cluster's nodes with the identity this node gives them: its own
     *                      {@code host}, the others' {@code remote-node}, as Cilium's ipcache does; written to the
     *                      ipcache beside the cluster's entries (an endpoint's entry wins on the same prefix)
     */
    public Reconciler(EnforcementMaps datapath, String nodeNetns, boolean allowFromHost, int policyEntriesPerEndpoint,
            Map<Ipv4Prefix, Integer> nodeAddresses, Consumer<Snapshot> onApplied) {
        this.nodeAddresses = Map.copyOf(nodeAddresses);
        this.datapath = datapath;
        this.nodeNetns = nodeNetns;
        this.resolver = new EndpointPolicyResolver(allowFromHost);
        this.budget = new PolicyBudget(policyEntriesPerEndpoint, datapath.policy().capacity());
        this.onApplied = onApplied;
        this.thread = Thread.ofPlatform().name("reconciler").daemon(false).unstarted(this::run);
        LOG.info(budget.describe());
    }

    public void start() {
        thread.start();
    }

    // ---- inputs (any thread) ----

    public void submit(ClusterEvent event) {
        tasks.add(() -> apply(event));
    }

    /** A bucket change that belongs to a trace: the pass that realizes it records its phases in that trace. */
    public void submit(ClusterEvent event, Optional<ChangeTracing.TracedChange> traced) {
        tasks.add(() -> {
            apply(event);
            traced.ifPresent(tracedChanges::add);
        });
    }

    /** Records the phases of passes in the traces of the changes they realize; set before {@link #start()}. */
    public Reconciler withTracing(ChangeTracing tracing) {
        this.tracing = tracing;
        return this;
    }

    /**
     * Makes this node an endpoint that host policies (a cluster-wide policy's nodeSelector) select; set before
     * {@link #adopt}, which attaches its programs to the uplink.
     */
    public Reconciler withHost(HostEndpoint hostEndpoint) {
        this.host = hostEndpoint;
        return this;
    }

    /**
     * Adopts endpoints recorded before a restart: re-attaches the current program (in place) and reads
     * back what the pinned maps hold for them. Their maps are not touched until every bucket is synced.
     */
    public CompletableFuture<Void> adopt(Collection<LocalEndpoint> recorded) {
        return call(() -> {
            Map<Integer, EndpointInfo> pinnedEndpoints = datapath.endpoints().entries();
            Map<Integer, Map<PolicyKey, PolicyEntry>> pinnedPolicy = readPolicyMap();
            List<LocalEndpoint> all = new ArrayList<>(recorded);
            if (host != null) {
                all.add(host.asLocal());
            }
            for (LocalEndpoint spec : all) {
                EndpointRuntime runtime = new EndpointRuntime();
                runtime.spec = spec;
                runtime.host = host != null && spec.key().equals(HostEndpoint.KEY);
                if (runtime.host) {
                    runtime.identity = host.identity();
                    runtime.identityLabels = host.labels();
                }
                try {
                    runtime.ifindex = runtime.host ? datapath.attachUplink(nodeNetns, spec.interfaceName())
                            : datapath.attach(nodeNetns, spec.interfaceName());
                } catch (RuntimeException e) {
                    LOG.warning("endpoint " + spec.key() + " is gone (" + e.getMessage() + "); forgetting it after sync");
                    runtime.problem = "attach: " + e.getMessage();
                    runtime.ifindex = 0;
                }
                EndpointInfo info = pinnedEndpoints.get(runtime.ifindex);
                if (info != null) {
                    runtime.identity = info.identity();
                    runtime.epoch = info.policyEpoch();
                    runtime.flags = info.flags();
                    runtime.ready = true;
                }
                runtime.realized = pinnedPolicy.getOrDefault(runtime.ifindex, new HashMap<>());
                endpoints.put(spec.key(), runtime);
            }
            realizedIpcache.putAll(datapath.ipcache().entries());
            ipcacheDirty = true;
            realizedPrefixes.putAll(datapath.prefixes().entries());
            Map<Ipv4Cidr, Integer> pinnedCidrs = new HashMap<>();
            realizedPrefixes.forEach((prefix, id) -> pinnedCidrs.put(Ipv4Cidr.parse(prefix.toString()), id));
            cluster.cidrIdentities().restore(pinnedCidrs);
            adopted = true;
            dirty = true;
            return null;
        });
    }

    /**
     * Adds or updates a local endpoint with the identity identity-service gave it, attaches the datapath
     * to its veth, and completes once its policy is in the maps.
     */
    public CompletableFuture<EndpointView> upsertEndpoint(LocalEndpoint spec, int identity, Labels identityLabels) {
        CompletableFuture<EndpointView> done = new CompletableFuture<>();
        tasks.add(() -> {
            EndpointRuntime runtime = endpoints.get(spec.key());
            boolean isNew = runtime == null;
            if (isNew) {
                runtime = new EndpointRuntime();
            }
            try {
                if (isNew || !runtime.spec.interfaceName().equals(spec.interfaceName())) {
                    // Attached before the endpoint entry exists: until the entry is written the program drops
                    // the pod's traffic (unknown endpoint) — a new pod starts closed, never open.
                    runtime.ifindex = datapath.attach(nodeNetns, spec.interfaceName());
                }
            } catch (RuntimeException e) {
                done.completeExceptionally(new IllegalStateException("attach datapath to " + spec.interfaceName()
                        + " of endpoint " + spec.key() + ": " + e.getMessage(), e));
                return;
            }
            runtime.spec = spec;
            runtime.identity = identity;
            runtime.identityLabels = identityLabels;
            runtime.problem = null;
            runtime.inputs = null;
            runtime.overBudget = null;
            endpoints.put(spec.key(), runtime);
            dirty = true;
            EndpointRuntime finalRuntime = runtime;
            afterPass.add(() -> {
                if (!synced.containsAll(List.of(Buckets.IDENTITIES, Buckets.IPCACHE, Buckets.POLICIES))) {
                    done.completeExceptionally(new IllegalStateException("endpoint " + spec.key()
                            + " not enforced yet: the enforcer has not received the cluster state from NATS"));
                } else if (finalRuntime.problem != null) {
                    done.completeExceptionally(new IllegalStateException(finalRuntime.problem));
                } else {
                    done.complete(view(finalRuntime));
                }
            });
        });
        return done;
    }

    /** Removes a local endpoint: its policy entries, its endpoint entry, its connections, its program. */
    public CompletableFuture<Boolean> removeEndpoint(String namespace, String pod) {
        return call(() -> {
            EndpointRuntime runtime = endpoints.remove(namespace + "/" + pod);
            if (runtime == null) {
                return false;
            }
            forget(runtime.ifindex, runtime.realized.keySet());
            try {
                datapath.detach(nodeNetns, runtime.spec.interfaceName());
            } catch (RuntimeException e) {
                LOG.fine("detach " + runtime.spec.interfaceName() + ": " + e.getMessage());
            }
            return true;
        });
    }

    /** The pods of this node (the host endpoint is no pod: it has no lease, and the CNI API cannot change it). */
    public CompletableFuture<List<EndpointView>> endpointViews() {
        return call(() -> endpoints.values().stream().filter(r -> !r.host).map(this::view).toList());
    }

    /** The host endpoint, if this node has one. */
    public CompletableFuture<Optional<EndpointView>> hostView() {
        return call(() -> endpoints.values().stream().filter(r -> r.host).map(this::view).findFirst());
    }

    public CompletableFuture<Optional<LocalEndpoint>> endpoint(String namespace, String pod) {
        return call(() -> Optional.ofNullable(endpoints.get(namespace + "/" + pod)).filter(r -> !r.host).map(r -> r.spec));
    }

    /** Name of the rule behind a flow's rule number, if this enforcer wrote it. */
    public CompletableFuture<Optional<RuleRef>> rule(int ruleRef) {
        return call(() -> ruleRefs.lookup(ruleRef));
    }

    /** How many times an endpoint's policy was resolved: targeted recomputation keeps it to the affected ones. */
    public CompletableFuture<Long> resolutions() {
        return call(() -> endpointsResolved);
    }

    public CompletableFuture<Snapshot> snapshot() {
        return call(this::takeSnapshot);
    }

    private <T> CompletableFuture<T> call(Supplier<T> work) {
        CompletableFuture<T> done = new CompletableFuture<>();
        tasks.add(() -> {
            try {
                done.complete(work.get());
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    // ---- the reconciler thread ----

    private void run() {
        while (running) {
            try {
                Runnable first = tasks.take();
                first.run();
                for (Runnable next; (next = tasks.poll()) != null; ) {
                    next.run();
                }
                if (dirty) {
                    try {
                        pass();
                    } catch (RuntimeException e) {
                        // The pass drained the changes it did not finish applying: recompute everyone next time.
                        endpoints.values().forEach(r -> {
                            r.inputs = null;
                            r.overBudget = null;
                        });
                        ipcacheDirty = true;
                        throw e;
                    }
                }
                List<Runnable> callbacks = new ArrayList<>(afterPass);
                afterPass.clear();
                callbacks.forEach(Runnable::run);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "reconciliation failed; will retry on the next change", e);
                problems.put("reconcile", "reconciliation failed: " + e.getMessage());
            }
        }
    }

    private void apply(ClusterEvent event) {
        seen.merge(event.bucket(), event.revision(), Math::max);
        dirty = true;
        switch (event) {
            case ClusterEvent.IdentityUpserted e -> cluster.upsertIdentity(e.id(), e.labels());
            case ClusterEvent.IdentityRemoved e -> cluster.removeIdentity(e.id());
            case ClusterEvent.IpcacheUpserted e -> {
                cluster.upsertIpcache(e.record());
                ipcacheDirty = true;
            }
            case ClusterEvent.IpcacheRemoved e -> {
                cluster.removeIpcache(e.prefix());
                ipcacheDirty = true;
            }
            case ClusterEvent.PolicyUpserted e -> {
                PolicyRef previous = policyKeys.put(e.key(), e.ref());
                if (previous != null && !previous.equals(e.ref())) {
                    cluster.removePolicy(previous);
                }
                cluster.upsertPolicy(e.rules());
                problems.remove(e.bucket() + "/" + e.key());
            }
            case ClusterEvent.PolicyRemoved e -> {
                PolicyRef ref = policyKeys.remove(e.key());
                if (ref != null) {
                    cluster.removePolicy(ref);
                }
                problems.remove(e.bucket() + "/" + e.key());
            }
            case ClusterEvent.Unreadable e -> {
                LOG.warning(e.problem());
                problems.put(e.bucket() + "/" + e.key(), e.problem());
            }
            case ClusterEvent.BucketSynced e -> {
                if (synced.add(e.bucket())) {
                    LOG.info("bucket " + e.bucket() + " synced at revision " + e.revision());
                }
            }
        }
    }

    private void pass() {
        dirty = false;
        if (!adopted || !synced.containsAll(List.of(Buckets.IDENTITIES, Buckets.IPCACHE, Buckets.POLICIES))) {
            return;
        }
        PassTrace trace = tracing.pass(tracedChanges);
        tracedChanges.clear();
        if (ipcacheDirty) {
            syncIpcache();
            ipcacheDirty = false;
        }
        Map<Ipv4Prefix, Integer> desiredPrefixes;
        List<Plan> plans = new ArrayList<>();
        try (PassTrace.Phase compute = trace.phase("enforcer compute")) {
            ClusterChanges changes = cluster.drainChanges();
            if (!changes.policies().isEmpty() || !cleanedStalePolicy) {
                ruleRefs.reset(cluster.policies());
            }
            desiredPrefixes = desiredPrefixes();

            int mapUsed = endpoints.values().stream().mapToInt(r -> r.realized.size()).sum();
            // Nothing changes the cluster state until the plans are made: endpoints selected alike share one resolution.
            EndpointPolicyResolver.Batch resolutions = resolver.batch(cluster, ruleRefs);
            for (EndpointRuntime runtime : endpoints.values()) {
                Plan plan = plan(runtime, changes, mapUsed, resolutions);
                if (plan != null) {
                    plans.add(plan);
                    mapUsed += plan.newKeys();
                }
            }
            compute.attribute("septum.endpoints.changed", plans.size());
        }

        PassTrace.Phase write = trace.phase("enforcer map write")
                .attribute("septum.policy.puts", plans.stream().mapToLong(p -> p.diff().puts().size()).sum())
                .attribute("septum.policy.deletes", plans.stream().mapToLong(p -> p.diff().deletes().size()).sum());
        try {
            writePlans(plans, desiredPrefixes);
        } catch (RuntimeException e) {
            write.failed(e);
            throw e;
        } finally {
            write.close();
        }
        if (!cleanedStalePolicy) {
            cluster.cidrIdentities().forgetRestored();
        }
        removeUnknownEndpoints();
        applied = new BucketRevisions(seen.getOrDefault(Buckets.POLICIES, 0L),
                seen.getOrDefault(Buckets.IDENTITIES, 0L), seen.getOrDefault(Buckets.IPCACHE, 0L));
        onApplied.accept(takeSnapshot());
    }

    /** The writes of a pass, in the order the class comment gives. */
    private void writePlans(List<Plan> plans, Map<Ipv4Prefix, Integer> desiredPrefixes) {
        List<Plan> written = new ArrayList<>();
        for (Plan plan : plans) {
            if (writePuts(plan)) {
                written.add(plan);
            }
        }
        boolean prefixesMoved = syncPrefixes(desiredPrefixes);
        for (Plan plan : written) {
            writeDeletes(plan);
        }
        for (Plan plan : written) {
            // A new or removed prefix moves addresses to another CIDR identity: open connections of endpoints
            // with CIDR entries must be checked again even if their own entries did not change.
            boolean narrows = plan.narrows() || (prefixesMoved && hasCidrEntries(plan.runtime().realized));
            int flags = flags(plan.desired());
            // Leaving audit mode takes access away from connections that were only audited: re-check them.
            narrows |= (plan.runtime().flags & ~flags) != 0;
            plan.runtime().flags = flags;
            finishEndpoint(plan.runtime(), narrows);
        }
    }

    private void syncIpcache() {
        Map<Ipv4Prefix, IpcacheValue> desired = new HashMap<>();
        nodeAddresses.forEach((prefix, identity) -> desired.put(prefix, new IpcacheValue(identity, null, 0)));
        for (IpcacheRecord record : cluster.ipcacheEntries()) {
            try {
                desired.put(Ipv4Prefix.parse(record.prefix()), new IpcacheValue(record.identity(), null, 0));
            } catch (IllegalArgumentException e) {
                problems.put("ipcache/" + record.prefix(), "ipcache entry " + record.prefix() + " is not an IPv4 prefix");
            }
        }
        for (var entry : desired.entrySet()) {
            if (!entry.getValue().equals(realizedIpcache.get(entry.getKey()))) {
                datapath.ipcache().put(entry.getKey(), entry.getValue());
                realizedIpcache.put(entry.getKey(), entry.getValue());
            }
        }
        for (Ipv4Prefix prefix : new ArrayList<>(realizedIpcache.keySet())) {
            if (!desired.containsKey(prefix)) {
                datapath.ipcache().delete(prefix);
                realizedIpcache.remove(prefix);
            }
        }
    }

    private Map<Ipv4Prefix, Integer> desiredPrefixes() {
        Map<Ipv4Prefix, Integer> desired = new HashMap<>();
        cluster.cidrIdentities().prefixes().forEach((cidr, id) -> desired.put(Ipv4Prefix.parse(cidr.toString()), id));
        int capacity = datapath.prefixes().capacity();
        if (desired.size() > capacity) {
            // Checked before anything is written: CIDR rules without their prefixes would silently not apply.
            throw new IllegalStateException("policies name " + desired.size() + " distinct ipBlock prefixes, more than the "
                    + capacity + " the prefixes map holds; nothing was changed");
        }
        return desired;
    }

    /** Writes new prefixes, then removes stale ones; true if some address now has another CIDR identity. */
    private boolean syncPrefixes(Map<Ipv4Prefix, Integer> desired) {
        boolean moved = false;
        for (var entry : desired.entrySet()) {
            if (!entry.getValue().equals(realizedPrefixes.get(entry.getKey()))) {
                datapath.prefixes().put(entry.getKey(), entry.getValue());
                realizedPrefixes.put(entry.getKey(), entry.getValue());
                moved = true;
            }
        }
        for (Ipv4Prefix prefix : new ArrayList<>(realizedPrefixes.keySet())) {
            if (!desired.containsKey(prefix)) {
                datapath.prefixes().delete(prefix);
                realizedPrefixes.remove(prefix);
                moved = true;
            }
        }
        return moved;
    }

    private static boolean hasCidrEntries(Map<PolicyKey, PolicyEntry> entries) {
        return entries.keySet().stream().anyMatch(k -> NumericIdentity.of(k.identity()).isNodeLocal());
    }

    /** The endpoint's policy change, or null when it has none to make (or may not make it: see its problem). */
    private Plan plan(EndpointRuntime runtime, ClusterChanges changes, int mapUsed, EndpointPolicyResolver.Batch resolutions) {
        if (runtime.ifindex == 0) {
            return null;
        }
        LocalEndpoint spec = runtime.spec;
        if (!runtime.host) {
            // The ipcache is the cluster-wide truth of an endpoint's identity (a namespace relabel changes it there).
            cluster.ipcacheEntry(spec.ip() + "/32")
                    .filter(r -> spec.namespace().equals(r.namespace()) && spec.pod().equals(r.pod()))
                    .ifPresent(r -> runtime.identity = r.identity());
            Labels labels = cluster.selectors().labels(runtime.identity);
            if (labels != null) {
                runtime.identityLabels = labels;
            }
        }
        EndpointSubject subject = new EndpointSubject(runtime.identity, runtime.identityLabels, spec.namedPorts());
        if (runtime.inputs != null && runtime.problem == null && !runtime.inputs.affectedBy(changes, subject)) {
            return null; // nothing it depends on changed: same entries, same endpoint entry
        }
        if (runtime.overBudget != null && runtime.problem != null && !runtime.overBudget.affectedBy(changes, subject)) {
            return null; // the same inputs would give the same too-big policy
        }
        Resolution desired = resolutions.resolve(subject);
        endpointsResolved++;
        MapStateDiff diff = desired.state().diffFrom(runtime.realized);
        int newKeys = 0;
        for (PolicyKey key : diff.puts().keySet()) {
            if (!runtime.realized.containsKey(key)) {
                newKeys++;
            }
        }
        Optional<String> refusal = budget.refusal(spec.key(), desired, newKeys, mapUsed);
        runtime.overBudget = desired.state().size() > budget.perEndpoint() ? desired.inputs() : null;
        if (refusal.isPresent()) {
            // Map space can be freed by other endpoints at any time: only a budget refusal waits for its inputs.
            report(runtime, refusal.get());
            return null;
        }
        return new Plan(runtime, desired, diff, diff.narrows(runtime.realized), newKeys);
    }

    /** The new and changed entries; on failure the endpoint's previous entries are restored and it reports why. */
    private boolean writePuts(Plan plan) {
        EndpointRuntime runtime = plan.runtime();
        Map<PolicyKey, PolicyEntry> puts = plan.diff().puts();
        if (puts.isEmpty()) {
            return true;
        }
        try {
            datapath.policy().update(mapEntries(runtime.ifindex, puts), List.of());
        } catch (BpfException e) {
            String restored = restorePrevious(runtime, puts.keySet());
            report(runtime, "endpoint " + runtime.spec.key() + ": writing its policy failed (" + e.getMessage() + "); " + restored);
            return false;
        }
        runtime.realized.putAll(puts); // the map holds them now, whatever happens next
        return true;
    }

    /** Puts back exactly what {@code runtime} had under {@code keys} (the map may hold part of a failed batch). */
    private String restorePrevious(EndpointRuntime runtime, Set<PolicyKey> keys) {
        Map<PolicyKey, PolicyEntry> back = new HashMap<>();
        List<PolicyMapKey> remove = new ArrayList<>();
        for (PolicyKey key : keys) {
            PolicyEntry previous = runtime.realized.get(key);
            if (previous != null) {
                back.put(key, previous);
            } else {
                remove.add(mapKey(runtime.ifindex, key));
            }
        }
        try {
            datapath.policy().update(mapEntries(runtime.ifindex, back), remove);
            return "it keeps enforcing its previous policy";
        } catch (BpfException e) {
            // Unknown state: read it back, so that the next pass diffs against what the map really holds.
            runtime.realized = readPolicyMap(runtime.ifindex);
            runtime.inputs = null;
            return "restoring its previous policy failed too (" + e.getMessage() + "); it will be retried";
        }
    }

    private void writeDeletes(Plan plan) {
        EndpointRuntime runtime = plan.runtime();
        Set<PolicyKey> deletes = plan.diff().deletes();
        if (!deletes.isEmpty()) {
            datapath.policy().update(Map.of(), deletes.stream().map(k -> mapKey(runtime.ifindex, k)).toList());
        }
        runtime.realized = new HashMap<>(plan.desired().state().entries());
        runtime.inputs = plan.desired().inputs();
    }

    private static int flags(Resolution resolution) {
        int flags = 0;
        if (resolution.audited().contains(Direction.INGRESS)) {
            flags |= EndpointInfo.FLAG_AUDIT_INGRESS;
        }
        if (resolution.audited().contains(Direction.EGRESS)) {
            flags |= EndpointInfo.FLAG_AUDIT_EGRESS;
        }
        return flags;
    }

    private void finishEndpoint(EndpointRuntime runtime, boolean narrows) {
        if (narrows) {
            runtime.epoch++;
        }
        EndpointInfo info = new EndpointInfo(runtime.ifindex, runtime.identity, address(runtime.spec.ip()), runtime.epoch, runtime.flags);
        boolean rewrite = narrows || !runtime.ready;
        writeEndpointEntry(runtime.ifindex, info, rewrite);
        if (runtime.host) {
            // The same entry for the pod programs, which judge pod <-> host traffic that never crosses the uplink.
            writeEndpointEntry(HOST_ENDPOINT_KEY, info, rewrite);
        }
        runtime.ready = true;
        if (runtime.problem != null) {
            LOG.info("endpoint " + runtime.spec.key() + ": its policy is enforced again");
        }
        runtime.problem = null;
    }

    /** Writes {@code info} under {@code key} when told to ({@code rewrite}) or when the map holds something else. */
    private void writeEndpointEntry(int key, EndpointInfo info, boolean rewrite) {
        if (rewrite || !info.equals(datapath.endpoints().lookup(key).orElse(null))) {
            datapath.endpoints().put(key, info);
        }
    }

    /** Sets the endpoint's problem, logging it when it is new (a pass may repeat it many times). */
    private static void report(EndpointRuntime runtime, String problem) {
        if (!problem.equals(runtime.problem)) {
            LOG.warning(problem);
        }
        runtime.problem = problem;
    }

    /** Endpoint entries and policy entries in the pinned maps that belong to no local endpoint. */
    private void removeUnknownEndpoints() {
        Set<Integer> known = new HashSet<>();
        endpoints.values().forEach(r -> known.add(r.ifindex));
        known.remove(0); // 0 is no interface: an endpoint whose interface is gone, and the host's copy's key
        endpoints.values().stream().filter(r -> r.host && r.ifindex != 0).findFirst().ifPresent(r -> known.add(HOST_ENDPOINT_KEY));
        endpoints.values().removeIf(r -> {
            if (r.ifindex == 0 && !r.host) {
                LOG.info("forgetting endpoint " + r.spec.key() + ": its interface is gone");
                return true;
            }
            return false;
        });
        for (int ifindex : datapath.endpoints().entries().keySet()) {
            if (!known.contains(ifindex)) {
                datapath.endpoints().delete(ifindex);
                datapath.conntrack().deleteEndpoint(ifindex);
            }
        }
        if (!cleanedStalePolicy) {
            cleanedStalePolicy = true;
            List<PolicyMapKey> stale = datapath.policy().entries().keySet().stream()
                    .filter(k -> !known.contains(k.endpointId())).toList();
            if (!stale.isEmpty()) {
                datapath.policy().update(Map.of(), stale);
            }
        }
    }

    private void forget(int ifindex, Set<PolicyKey> realized) {
        if (ifindex == 0) {
            return;
        }
        datapath.endpoints().delete(ifindex);
        datapath.policy().update(Map.of(), realized.stream().map(k -> mapKey(ifindex, k)).toList());
        datapath.conntrack().deleteEndpoint(ifindex);
    }

    private Map<Integer, Map<PolicyKey, PolicyEntry>> readPolicyMap() {
        Map<Integer, Map<PolicyKey, PolicyEntry>> out = new HashMap<>();
        datapath.policy().entries().forEach((k, v) -> out.computeIfAbsent(k.endpointId(), id -> new HashMap<>()).put(policyKey(k), policyEntry(v)));
        return out;
    }

    private Map<PolicyKey, PolicyEntry> readPolicyMap(int endpointId) {
        Map<PolicyKey, PolicyEntry> out = new HashMap<>();
        datapath.policy().entries(endpointId).forEach((k, v) -> out.put(policyKey(k), policyEntry(v)));
        return out;
    }

    private static PolicyKey policyKey(PolicyMapKey k) {
        return new PolicyKey(k.identity(), Direction.ofCode(k.direction()), k.protocol(), k.port(), k.prefixBits());
    }

    private static PolicyEntry policyEntry(PolicyMapValue v) {
        return new PolicyEntry(v.deny(), v.ruleRef());
    }

    private static Map<PolicyMapKey, PolicyMapValue> mapEntries(int endpointId, Map<PolicyKey, PolicyEntry> entries) {
        Map<PolicyMapKey, PolicyMapValue> out = new LinkedHashMap<>();
        entries.forEach((k, v) -> out.put(mapKey(endpointId, k), new PolicyMapValue(v.deny(), v.ruleRef())));
        return out;
    }

    private static PolicyMapKey mapKey(int endpointId, PolicyKey key) {
        return new PolicyMapKey(endpointId, key.identity(), key.direction().code(), key.protocol(), key.port(), key.prefixBits());
    }

    private static Inet4Address address(String ip) {
        try {
            return (Inet4Address) InetAddress.ofLiteral(ip);
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new IllegalArgumentException("endpoint address '" + ip + "' is not IPv4", e);
        }
    }

    private EndpointView view(EndpointRuntime r) {
        String state = r.problem != null ? "not-ready" : r.ready ? "ready" : "regenerating";
        return new EndpointView(r.spec.namespace(), r.spec.pod(), r.spec.ip(), r.spec.interfaceName(), r.ifindex, r.identity,
                r.identityLabels.toStrings(), r.realized.size(), r.epoch, state, r.problem);
    }

    private Snapshot takeSnapshot() {
        List<String> all = new ArrayList<>(problems.values());
        for (PolicyRules policy : cluster.policies()) {
            policy.notEnforceable().forEach(part -> all.add(policy.ref() + " is not fully enforceable: " + part));
        }
        int ready = 0;
        int pods = 0;
        for (EndpointRuntime r : endpoints.values()) {
            if (r.problem != null) {
                all.add(r.problem);
            } else if (r.ready && !r.host) {
                ready++;
            }
            pods += r.host ? 0 : 1;
        }
        boolean isSynced = synced.containsAll(List.of(Buckets.IDENTITIES, Buckets.IPCACHE, Buckets.POLICIES));
        return new Snapshot(applied, isSynced, pods, ready, all);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
