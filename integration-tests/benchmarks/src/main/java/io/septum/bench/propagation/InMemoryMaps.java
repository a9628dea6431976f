package io.septum.bench.propagation;

import io.septum.enforcer.datapath.EndpointInfo;
import io.septum.enforcer.datapath.EnforcementMaps;
import io.septum.enforcer.datapath.IpcacheValue;
import io.septum.enforcer.datapath.Ipv4Prefix;
import io.septum.enforcer.datapath.PolicyMapKey;
import io.septum.enforcer.datapath.PolicyMapValue;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The maps of one simulated enforcer, in memory: what the reconciler would have written to the kernel, with the
 * kernel maps' capacities and the policy map's contract (puts before deletes, no key in both). Concurrent maps,
 * because the benchmark reads the policy entries while the reconciler thread writes them. Attaching hands out
 * endpoint ids as the kernel hands out ifindexes: unique on this node, never 0.
 */
final class InMemoryMaps implements EnforcementMaps {

    private final Map<Integer, EndpointInfo> endpoints = new ConcurrentHashMap<>();
    private final Map<Ipv4Prefix, IpcacheValue> ipcache = new ConcurrentHashMap<>();
    private final Map<Ipv4Prefix, Integer> prefixes = new ConcurrentHashMap<>();
    private final Map<PolicyMapKey, PolicyMapValue> policy = new ConcurrentHashMap<>();
    private final Map<String, Integer> attached = new ConcurrentHashMap<>();
    private final AtomicInteger nextIfindex = new AtomicInteger(2);
    private final int policyCapacity;
    private final int prefixCapacity;

    InMemoryMaps(int policyCapacity, int prefixCapacity) {
        this.policyCapacity = policyCapacity;
        this.prefixCapacity = prefixCapacity;
    }

    /** The policy entries of every endpoint, as the reconciler left them. */
    Map<PolicyMapKey, PolicyMapValue> policyEntries() {
        return Map.copyOf(policy);
    }

    @Override
    public int attach(String netnsName, String ifname) {
        return attached.computeIfAbsent(netnsName + "/" + ifname, k -> nextIfindex.getAndIncrement());
    }

    /** An uplink is numbered like any other interface: the simulated enforcers have no host endpoint anyway. */
    @Override
    public int attachUplink(String netnsName, String ifname) {
        return attach(netnsName, ifname);
    }

    @Override
    public void detach(String netnsName, String ifname) {
        attached.remove(netnsName + "/" + ifname);
    }

    @Override
    public Endpoints endpoints() {
        return new Endpoints() {
            @Override
            public void put(int ifindex, EndpointInfo info) {
                endpoints.put(ifindex, info);
            }

            @Override
            public boolean delete(int ifindex) {
                return endpoints.remove(ifindex) != null;
            }

            @Override
            public Optional<EndpointInfo> lookup(int ifindex) {
                return Optional.ofNullable(endpoints.get(ifindex));
            }

            @Override
            public Map<Integer, EndpointInfo> entries() {
                return new HashMap<>(endpoints);
            }
        };
    }

    @Override
    public Ipcache ipcache() {
        return new Ipcache() {
            @Override
            public void put(Ipv4Prefix prefix, IpcacheValue value) {
                ipcache.put(prefix, value);
            }

            @Override
            public boolean delete(Ipv4Prefix prefix) {
                return ipcache.remove(prefix) != null;
            }

            @Override
            public Map<Ipv4Prefix, IpcacheValue> entries() {
                return new HashMap<>(ipcache);
            }
        };
    }

    @Override
    public Prefixes prefixes() {
        return new Prefixes() {
            @Override
            public void put(Ipv4Prefix prefix, int cidrIdentity) {
                if (!prefixes.containsKey(prefix) && prefixes.size() >= prefixCapacity) {
                    throw new IllegalStateException("put prefix " + prefix + ": the prefixes map is full (" + prefixCapacity + ")");
                }
                prefixes.put(prefix, cidrIdentity);
            }

            @Override
            public boolean delete(Ipv4Prefix prefix) {
                return prefixes.remove(prefix) != null;
            }

            @Override
            public Map<Ipv4Prefix, Integer> entries() {
                return new HashMap<>(prefixes);
            }

            @Override
            public int capacity() {
                return prefixCapacity;
            }
        };
    }

    @Override
    public Policy policy() {
        return new Policy() {
            @Override
            public void update(Map<PolicyMapKey, PolicyMapValue> puts, Collection<PolicyMapKey> deletes) {
                for (PolicyMapKey key : deletes) {
                    if (puts.containsKey(key)) {
                        throw new IllegalArgumentException("update policy map: key both written and deleted: " + key);
                    }
                }
                int added = 0;
                for (PolicyMapKey key : puts.keySet()) {
                    if (!policy.containsKey(key)) {
                        added++;
                    }
                }
                if (policy.size() + added > policyCapacity) {
                    throw new IllegalStateException("update policy map: " + added + " new entries do not fit its " + policyCapacity);
                }
                // One put at a time, as the kernel map takes them: ConcurrentHashMap.putAll presizes for both sizes added
                // up, and the benchmark's allocation profile showed it resizing the node's map on changes that only swap entries.
                puts.forEach(policy::put);
                deletes.forEach(policy::remove);
            }

            @Override
            public int capacity() {
                return policyCapacity;
            }

            @Override
            public Map<PolicyMapKey, PolicyMapValue> entries() {
                return new HashMap<>(policy);
            }

            @Override
            public Map<PolicyMapKey, PolicyMapValue> entries(int endpointId) {
                Map<PolicyMapKey, PolicyMapValue> out = new HashMap<>();
                policy.forEach((k, v) -> {
                    if (k.endpointId() == endpointId) {
                        out.put(k, v);
                    }
                });
                return out;
            }
        };
    }

    @Override
    public Conntrack conntrack() {
        return endpointId -> 0; // no connections: nothing in memory is ever connected
    }
}
