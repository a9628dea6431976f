package io.septum.flows.cluster;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.septum.model.identity.ReservedIdentity;
import io.septum.model.kv.Buckets;
import io.septum.model.kv.IdentityRecord;
import io.septum.model.kv.IpcacheRecord;
import io.septum.model.kv.PolicyRecord;
import io.septum.model.labels.Labels;
import io.septum.model.net.Ipv4Cidr;
import io.septum.model.policy.Direction;
import io.septum.model.policy.PolicyParser;
import io.septum.model.policy.rules.PolicyRule;
import io.septum.model.policy.rules.PolicyRules;
import io.septum.model.policy.rules.RuleRef;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What flow-service knows of the cluster, to name the two sides of a flow and the rule that decided it: the
 * identities, ipcache and policies buckets, watched as every enforcer watches them (current contents, then each
 * change; resumed by jnats after a reconnect). Rule numbers are recomputed here from the policies with
 * {@link RuleRef#number()}, the same hash the enforcers write into the policy map, so no names travel with flows.
 *
 * <p>Thread-safe: the watches write, flow ingestion reads. {@link #version()} grows with every change, so readers
 * may cache what they derived.
 */
@ApplicationScoped
public class ClusterView {

    private static final Logger LOG = Logger.getLogger(ClusterView.class);
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final List<String> BUCKETS = List.of(Buckets.IDENTITIES, Buckets.IPCACHE, Buckets.POLICIES);

    @Inject
    Connection connection;

    private final Map<Integer, IdentityLabels> identities = new ConcurrentHashMap<>();
    /** /32 entries (pods, nodes) by address; other prefixes in {@link #prefixes}, looked up longest first. */
    private final Map<Integer, IpcacheRecord> hosts = new ConcurrentHashMap<>();
    private final Map<Ipv4Cidr, IpcacheRecord> prefixes = new ConcurrentHashMap<>();
    /** Bucket key → the policy's rules, one element per subject (several for a Cilium policy's specs). */
    private final Map<String, List<PolicyRules>> policies = new ConcurrentHashMap<>();
    private final Map<Integer, RuleRef> rules = new ConcurrentHashMap<>();
    private final Set<String> synced = new ConcurrentSkipListSet<>();
    private final AtomicLong version = new AtomicLong();
    private final List<NatsKeyValueWatchSubscription> watches = new ArrayList<>();
    private volatile boolean stopped;
    private Thread starter;

    /** An identity's labels, as texts (for the API) and parsed (for selectors). */
    public record IdentityLabels(List<String> texts, Labels labels) {
    }

    void start(@Observes StartupEvent event) {
        starter = Thread.ofPlatform().daemon(true).name("cluster-watch-start").start(this::watchAll);
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        if (starter != null) {
            starter.interrupt();
        }
        synchronized (watches) {
            watches.forEach(NatsKeyValueWatchSubscription::unsubscribe);
        }
    }

    /** Waits for each bucket (identity-service and policy-service create them), then watches it. */
    private void watchAll() {
        for (String bucket : BUCKETS) {
            long nextLog = 0;
            while (!stopped) {
                try {
                    if (connection.keyValueManagement().getBucketNames().contains(bucket)) {
                        synchronized (watches) {
                            watches.add(connection.keyValue(bucket).watchAll(new Watcher(bucket)));
                        }
                        break;
                    }
                    if (System.nanoTime() - nextLog > 0) {
                        LOG.infof("waiting for NATS bucket '%s' (created by the identity and policy services)", bucket);
                        nextLog = System.nanoTime() + 10_000_000_000L;
                    }
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                } catch (IOException | JetStreamApiException | RuntimeException e) {
                    LOG.debugf(e, "watch bucket %s", bucket);
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                }
            }
        }
    }

    private final class Watcher implements KeyValueWatcher {
        private final String bucket;

        Watcher(String bucket) {
            this.bucket = bucket;
        }

        @Override
        public void watch(KeyValueEntry entry) {
            try {
                apply(bucket, entry.getKey(), entry.getOperation() == KeyValueOperation.PUT ? entry.getValue() : null);
            } catch (IOException | RuntimeException e) {
                LOG.warnf("skip %s entry '%s': %s", bucket, entry.getKey(), e.getMessage());
            }
        }

        @Override
        public void endOfData() {
            synced.add(bucket);
        }
    }

    /** Applies one bucket entry; {@code value} null means the key was deleted. */
    void apply(String bucket, String key, byte[] value) throws IOException {
        switch (bucket) {
            case Buckets.IDENTITIES -> {
                if (value == null) {
                    identities.remove(Integer.parseInt(key));
                } else {
                    IdentityRecord record = JSON.readValue(value, IdentityRecord.class);
                    identities.put(record.id(), new IdentityLabels(record.labels(), Labels.parse(record.labels())));
                }
            }
            case Buckets.IPCACHE -> {
                Ipv4Cidr prefix = Ipv4Cidr.parse(key.replace('_', '/'));
                IpcacheRecord record = value == null ? null : JSON.readValue(value, IpcacheRecord.class);
                if (prefix.length() == 32 && record == null) {
                    hosts.remove(prefix.address());
                } else if (prefix.length() == 32) {
                    hosts.put(prefix.address(), record);
                } else if (record == null) {
                    prefixes.remove(prefix);
                } else {
                    prefixes.put(prefix, record);
                }
            }
            case Buckets.POLICIES -> {
                List<PolicyRules> old = value == null ? policies.remove(key) : null;
                if (value != null) {
                    PolicyRecord record = JSON.readValue(value, PolicyRecord.class);
                    try {
                        old = policies.put(key, PolicyParser.parseDocument(record.document()).toRules());
                    } catch (io.septum.model.policy.PolicyValidationException e) {
                        throw new IOException("policy " + key + " is not valid here: " + e.getMessage(), e);
                    }
                }
                if (old != null) {
                    old.forEach(part -> part.rules().forEach(rule -> rules.remove(rule.ref().number())));
                }
                List<PolicyRules> now = policies.get(key);
                if (now != null) {
                    for (PolicyRules part : now) {
                        for (PolicyRule rule : part.rules()) {
                            rules.put(rule.ref().number(), rule.ref());
                        }
                    }
                }
            }
            default -> throw new IllegalArgumentException("unexpected bucket " + bucket);
        }
        version.incrementAndGet();
    }

    /** All three buckets were received once (later changes keep coming). */
    public boolean synced() {
        return synced.size() == BUCKETS.size();
    }

    public long version() {
        return version.get();
    }

    /** The ipcache entry covering {@code address}: its /32, else the longest prefix holding it. */
    public Optional<IpcacheRecord> ipcache(int address) {
        IpcacheRecord host = hosts.get(address);
        if (host != null) {
            return Optional.of(host);
        }
        Ipv4Cidr best = null;
        for (Ipv4Cidr prefix : prefixes.keySet()) {
            if (prefix.contains(address) && (best == null || prefix.length() > best.length())) {
                best = prefix;
            }
        }
        return Optional.ofNullable(best == null ? null : prefixes.get(best));
    }

    /** The labels of an identity: allocated ones from the bucket, reserved ones by definition. */
    public Optional<IdentityLabels> identity(int id) {
        IdentityLabels known = identities.get(id);
        if (known != null) {
            return Optional.of(known);
        }
        return ReservedIdentity.byId(id).map(r -> new IdentityLabels(r.labels().toStrings(), r.labels()));
    }

    public Optional<RuleRef> rule(int number) {
        return number == 0 ? Optional.empty() : Optional.ofNullable(rules.get(number));
    }

    /**
     * The policies that select an endpoint with {@code labels} and isolate it in {@code direction}: the ones whose
     * default deny dropped a flow no rule allowed. Sorted by name.
     */
    public List<String> isolating(Labels labels, Direction direction) {
        // A policy with several specs that select the endpoint is named once.
        Set<String> names = new TreeSet<>();
        for (List<PolicyRules> policy : policies.values()) {
            for (PolicyRules p : policy) {
                if (p.isolates().contains(direction) && p.subject().matches(labels)) {
                    names.add(p.ref().toString());
                }
            }
        }
        return List.copyOf(names);
    }
}
