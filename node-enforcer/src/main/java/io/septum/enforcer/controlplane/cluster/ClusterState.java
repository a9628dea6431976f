package io.septum.enforcer.controlplane.cluster;

import io.septum.enforcer.controlplane.selector.SelectorCache;
import io.septum.model.kv.IpcacheRecord;
import io.septum.model.kv.NamedPort;
import io.septum.model.labels.EndpointSelector;
import io.septum.model.labels.Labels;
import io.septum.model.net.Ipv4Cidr;
import io.septum.model.policy.PolicyRef;
import io.septum.model.policy.rules.Peer;
import io.septum.model.policy.rules.PolicyRule;
import io.septum.model.policy.rules.PolicyRules;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * An enforcer's view of the cluster, fed from the identities, ipcache and policies buckets: identities
 * with their labels (in a {@link SelectorCache}), every address with its identity, every policy as rules,
 * and the node-local identities of the prefixes that policies name. It also collects what changed since
 * {@link #drainChanges()} was last called, so that only the endpoints a change can affect are recomputed.
 * Owned by one thread.
 */
public final class ClusterState {

    private final SelectorCache selectors = new SelectorCache();
    private final Map<String, IpcacheRecord> ipcache = new HashMap<>();
    /** identity → (prefix → named ports of the pod at that prefix): what egress named ports resolve against. */
    private final Map<Integer, Map<String, List<NamedPort>>> namedPortsByIdentity = new HashMap<>();
    /** Each policy object's rules, one {@link PolicyRules} per subject (a Cilium policy's specs have several). */
    private final Map<PolicyRef, List<PolicyRules>> policies = new TreeMap<>();
    /** Every policy's subjects in one list, in ref order; null after a change until asked for again. */
    private List<PolicyRules> allRules = List.of();
    /**
     * The elements of {@link #policies()}, in order, each with the live set of identities its subject selects (each
     * subject is registered in the selector cache while its policy is here); null after a change until asked for again.
     */
    private List<SubjectSelection> subjects;
    /** Every prefix the policies' ipBlocks name (cidr and excepts), with how many peers name it. */
    private final Map<Ipv4Cidr, Integer> policyCidrs = new TreeMap<>();
    private final CidrIdentities cidrIdentities = new CidrIdentities();

    private final Set<EndpointSelector> changedSelectors = new HashSet<>();
    private final List<PolicyRules> changedPolicies = new ArrayList<>();
    private boolean prefixesChanged;
    private boolean namedPortsChanged;

    public SelectorCache selectors() {
        return selectors;
    }

    public CidrIdentities cidrIdentities() {
        return cidrIdentities;
    }

    /** Everything that changed since the last call (and forgets it). */
    public ClusterChanges drainChanges() {
        ClusterChanges changes = new ClusterChanges(changedSelectors, changedPolicies, prefixesChanged, namedPortsChanged);
        changedSelectors.clear();
        changedPolicies.clear();
        prefixesChanged = false;
        namedPortsChanged = false;
        return changes;
    }

    // --- identities ---

    /** Returns true when any selection changed. */
    public boolean upsertIdentity(int id, Labels labels) {
        return changedSelectors.addAll(selectors.upsertIdentity(id, labels));
    }

    /** Returns true when any selection changed. */
    public boolean removeIdentity(int id) {
        return changedSelectors.addAll(selectors.removeIdentity(id));
    }

    // --- ipcache ---

    public void upsertIpcache(IpcacheRecord record) {
        IpcacheRecord previous = ipcache.put(record.prefix(), record);
        if (previous != null) {
            unindexNamedPorts(previous);
        }
        if (!record.namedPorts().isEmpty()) {
            namedPortsByIdentity.computeIfAbsent(record.identity(), id -> new HashMap<>()).put(record.prefix(), record.namedPorts());
        }
        boolean hadPorts = previous != null && !previous.namedPorts().isEmpty();
        if ((hadPorts || !record.namedPorts().isEmpty())
                && (previous == null || previous.identity() != record.identity() || !previous.namedPorts().equals(record.namedPorts()))) {
            namedPortsChanged = true;
        }
    }

    public void removeIpcache(String prefix) {
        IpcacheRecord previous = ipcache.remove(prefix);
        if (previous != null && !previous.namedPorts().isEmpty()) {
            unindexNamedPorts(previous);
            namedPortsChanged = true;
        }
    }

    private void unindexNamedPorts(IpcacheRecord record) {
        Map<String, List<NamedPort>> byPrefix = namedPortsByIdentity.get(record.identity());
        if (byPrefix != null) {
            byPrefix.remove(record.prefix());
            if (byPrefix.isEmpty()) {
                namedPortsByIdentity.remove(record.identity());
            }
        }
    }

    public Optional<IpcacheRecord> ipcacheEntry(String prefix) {
        return Optional.ofNullable(ipcache.get(prefix));
    }

    public Collection<IpcacheRecord> ipcacheEntries() {
        return ipcache.values();
    }

    /** Named ports of every pod with {@code identity}: egress rules with a port name resolve against these. */
    public List<NamedPort> namedPortsOf(int identity) {
        Map<String, List<NamedPort>> byPrefix = namedPortsByIdentity.get(identity);
        if (byPrefix == null) {
            return List.of();
        }
        List<NamedPort> out = new ArrayList<>();
        byPrefix.values().forEach(out::addAll);
        return out;
    }

    /** Named ports of every pod (egress rules to any peer with a port name). */
    public List<NamedPort> allNamedPorts() {
        List<NamedPort> out = new ArrayList<>();
        namedPortsByIdentity.values().forEach(byPrefix -> byPrefix.values().forEach(out::addAll));
        return out;
    }

    // --- policies ---

    /** A policy object with one subject. */
    public void upsertPolicy(PolicyRules rules) {
        upsertPolicy(List.of(rules));
    }

    /** A policy object: every subject of it ({@link io.septum.model.policy.PolicyObject#toRules()}), all of one ref. */
    public void upsertPolicy(List<PolicyRules> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("upsert policy: no rules (a policy object has at least one subject)");
        }
        PolicyRef ref = parts.getFirst().ref();
        if (parts.stream().anyMatch(part -> !part.ref().equals(ref))) {
            throw new IllegalArgumentException("upsert policy " + ref + ": its subjects name different policies");
        }
        List<PolicyRules> rules = List.copyOf(parts);
        List<PolicyRules> previous = policies.put(ref, rules);
        if (rules.equals(previous)) {
            return;
        }
        allRules = null;
        subjects = null;
        // Registered before the previous version lets go, so selections both use are kept, not evaluated again.
        boolean cidrsChanged = false;
        for (PolicyRules part : rules) {
            forEachSelector(part, selectors::register);
            selectors.register(part.subject());
            cidrsChanged |= countCidrs(part, 1);
        }
        if (previous != null) {
            cidrsChanged |= release(previous);
        }
        changedPolicies.addAll(rules);
        if (cidrsChanged) {
            prefixesChanged |= cidrIdentities.retain(policyCidrs.keySet());
        }
    }

    public void removePolicy(PolicyRef ref) {
        List<PolicyRules> previous = policies.remove(ref);
        if (previous != null) {
            allRules = null;
            subjects = null;
            if (release(previous)) {
                prefixesChanged |= cidrIdentities.retain(policyCidrs.keySet());
            }
        }
    }

    /** Lets go of a policy's former subjects (selectors, named prefixes) and marks them changed; true when a prefix is no longer named. */
    private boolean release(List<PolicyRules> previous) {
        boolean cidrsChanged = false;
        for (PolicyRules part : previous) {
            forEachSelector(part, selectors::unregister);
            selectors.unregister(part.subject());
            cidrsChanged |= countCidrs(part, -1);
        }
        changedPolicies.addAll(previous);
        return cidrsChanged;
    }

    /** The rules of every policy, one element per subject (so a policy with several specs has several elements). */
    public Collection<PolicyRules> policies() {
        if (allRules == null) {
            List<PolicyRules> all = new ArrayList<>(policies.size());
            policies.values().forEach(all::addAll);
            allRules = Collections.unmodifiableList(all);
        }
        return allRules;
    }

    /** A policy's subject with its live selection. */
    private record SubjectSelection(PolicyRules rules, Set<Integer> selected) {
    }

    /**
     * The elements of {@link #policies()} whose subject selects an endpoint with {@code identity} and {@code labels}, in
     * that order: exactly those whose {@code subject().matches(labels)}. When the selector cache holds the identity with
     * these labels, the subjects' selections answer (a set look-up per subject instead of a label match); otherwise the
     * labels are matched.
     */
    public List<PolicyRules> policiesSelecting(int identity, Labels labels) {
        List<PolicyRules> out = new ArrayList<>();
        Labels known = selectors.labels(identity);
        if (known != labels && !labels.equals(known)) {
            for (PolicyRules rules : policies()) {
                if (rules.subject().matches(labels)) {
                    out.add(rules);
                }
            }
            return out;
        }
        if (subjects == null) {
            Collection<PolicyRules> all = policies();
            List<SubjectSelection> made = new ArrayList<>(all.size());
            all.forEach(rules -> made.add(new SubjectSelection(rules, selectors.selected(rules.subject()))));
            subjects = made;
        }
        Integer id = identity;
        for (SubjectSelection subject : subjects) {
            if (subject.selected().contains(id)) {
                out.add(subject.rules());
            }
        }
        return out;
    }

    /** How many policy objects there are (not subjects). */
    public int policyCount() {
        return policies.size();
    }

    /** The identities a peer stands for; 0 stands for "any identity". */
    public Set<Integer> identitiesOf(Peer peer) {
        return switch (peer) {
            case Peer.Any any -> Set.of(0);
            case Peer.Selected selected -> selectors.selected(selected.selector());
            case Peer.Cidr cidr -> cidrIdentities.identitiesWithin(cidr.cidr(), cidr.except());
            case Peer.Entity entity -> Set.of(entity.identity().id().value());
        };
    }

    private static void forEachSelector(PolicyRules rules, Consumer<EndpointSelector> action) {
        for (PolicyRule rule : rules.rules()) {
            for (Peer peer : rule.peers()) {
                if (peer instanceof Peer.Selected selected) {
                    action.accept(selected.selector());
                }
            }
        }
    }

    /**
     * Counts the prefixes {@code rules} name up ({@code delta} 1) or down (-1); true when a prefix became named or no
     * longer is. Counted per naming, so a policy that lets go of a prefix another still names leaves it.
     */
    private boolean countCidrs(PolicyRules rules, int delta) {
        boolean changed = false;
        for (PolicyRule rule : rules.rules()) {
            for (Peer peer : rule.peers()) {
                if (peer instanceof Peer.Cidr cidr) {
                    changed |= countCidr(cidr.cidr(), delta);
                    for (Ipv4Cidr except : cidr.except()) {
                        changed |= countCidr(except, delta);
                    }
                }
            }
        }
        return changed;
    }

    private boolean countCidr(Ipv4Cidr cidr, int delta) {
        int count = policyCidrs.merge(cidr, delta, Integer::sum);
        if (count == 0) {
            policyCidrs.remove(cidr);
            return true;
        }
        return count == 1 && delta > 0;
    }
}
