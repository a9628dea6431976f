package io.septum.model.policy.cilium;

import io.septum.model.identity.K8sIdentityLabels;
import io.septum.model.identity.ReservedIdentity;
import io.septum.model.labels.EndpointSelector;
import io.septum.model.labels.Label;
import io.septum.model.labels.SelectorRequirement;
import io.septum.model.policy.FieldCursor;
import io.septum.model.policy.k8s.LabelSelector;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A Cilium endpoint selector: a Kubernetes label selector whose keys may carry a label source
 * ({@code k8s:app}, {@code reserved:host}); a key without one matches that key in any source, as in Cilium.
 * In a namespaced policy a selector is confined to the policy's namespace: always for the policy's own
 * endpointSelector, and for a peer selector unless it names {@code k8s:io.kubernetes.pod.namespace} itself
 * or selects reserved labels — exactly Cilium's rule. In a cluster-wide policy such a selector selects pods of any
 * namespace (an empty one is every pod, not every identity).
 */
final class CiliumSelector {

    private static final Pattern SOURCE = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    private CiliumSelector() {
    }

    /** Reads a selector; {@code namespace} null for a cluster-wide policy. Empty when absent or invalid. */
    static Optional<EndpointSelector> read(FieldCursor at, String namespace, boolean subject) {
        if (!at.isPresent()) {
            return Optional.empty();
        }
        return LabelSelector.read(at, CiliumSelector::keyProblem).map(selector -> {
            EndpointSelector out = selector.toEndpointSelector(CiliumSelector::qualify);
            boolean namesNamespace = out.requirements().stream().anyMatch(r -> isNamespaceKey(r.key()));
            boolean reserved = out.requirements().stream().anyMatch(r -> r.key().startsWith(Label.SOURCE_RESERVED + ":"));
            if (namespace != null && (subject || (!namesNamespace && !reserved))) {
                out = out.and(List.of(SelectorRequirement.equalTo(K8sIdentityLabels.namespaceKey(), namespace)));
            } else if (namespace == null && !namesNamespace && !reserved) {
                // Cluster-wide, a selector means endpoints of any namespace: pods, never a reserved identity ({} is not the world).
                out = out.and(List.of(SelectorRequirement.exists(K8sIdentityLabels.namespaceKey())));
            }
            return out;
        });
    }

    /**
     * Reads a cluster-wide policy's nodeSelector: it selects host endpoints (the nodes themselves, by their labels),
     * never a pod, as in Cilium: the selector gets {@code reserved:host}. Empty when absent or invalid.
     */
    static Optional<EndpointSelector> readNodeSelector(FieldCursor at) {
        if (!at.isPresent()) {
            return Optional.empty();
        }
        return LabelSelector.read(at, CiliumSelector::keyProblem).map(selector -> selector.toEndpointSelector(CiliumSelector::qualify)
                .and(List.of(SelectorRequirement.exists(Label.SOURCE_RESERVED + ":" + ReservedIdentity.HOST.entityName()))));
    }

    /** {@code source:key} stays as it is; a plain key matches any source. */
    static String qualify(String key) {
        return key.indexOf(':') >= 0 ? key : Label.SOURCE_ANY + ":" + key;
    }

    static Optional<String> keyProblem(String key) {
        int colon = key.indexOf(':');
        if (colon >= 0 && !SOURCE.matcher(key.substring(0, colon)).matches()) {
            return Optional.of("key '" + key + "' has an invalid source '" + key.substring(0, colon)
                    + "': lower-case alphanumerics and '-' (k8s, reserved, any, …)");
        }
        return FieldCursor.labelKeyProblem(colon >= 0 ? key.substring(colon + 1) : key);
    }

    private static boolean isNamespaceKey(String key) {
        return key.equals(K8sIdentityLabels.namespaceKey()) || key.equals(Label.SOURCE_ANY + ":" + K8sIdentityLabels.NAMESPACE_KEY);
    }
}
