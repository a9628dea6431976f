package io.septum.model.identity;

import io.septum.model.labels.Label;
import io.septum.model.labels.Labels;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a pod's identity labels are built, the same way Cilium builds them, so that CiliumNetworkPolicy
 * selectors written for Cilium work unchanged: the pod's labels, its namespace as
 * {@code k8s:io.kubernetes.pod.namespace}, and every label of the namespace under
 * {@code k8s:io.cilium.k8s.namespace.labels.<key>} (which is what a namespaceSelector matches).
 */
public final class K8sIdentityLabels {

    public static final String NAMESPACE_KEY = "io.kubernetes.pod.namespace";
    public static final String NAMESPACE_LABELS_PREFIX = "io.cilium.k8s.namespace.labels.";
    /** Added to every namespace by Kubernetes itself; namespaceSelectors commonly use it. */
    public static final String METADATA_NAME_LABEL = "kubernetes.io/metadata.name";

    private K8sIdentityLabels() {
    }

    public static Labels forPod(String namespace, Map<String, String> podLabels, Map<String, String> namespaceLabels) {
        List<Label> labels = new ArrayList<>();
        podLabels.forEach((k, v) -> labels.add(Label.k8s(k, v)));
        labels.add(Label.k8s(NAMESPACE_KEY, namespace));
        namespaceLabels.forEach((k, v) -> labels.add(Label.k8s(NAMESPACE_LABELS_PREFIX + k, v)));
        labels.add(Label.k8s(NAMESPACE_LABELS_PREFIX + METADATA_NAME_LABEL, namespace));
        return Labels.of(labels);
    }

    /** The selector key of a pod label ({@code k8s:app}). */
    public static String podLabelKey(String key) {
        return Label.SOURCE_K8S + ":" + key;
    }

    /** The selector key of a namespace label ({@code k8s:io.cilium.k8s.namespace.labels.team}). */
    public static String namespaceLabelKey(String key) {
        return Label.SOURCE_K8S + ":" + NAMESPACE_LABELS_PREFIX + key;
    }

    public static String namespaceKey() {
        return Label.SOURCE_K8S + ":" + NAMESPACE_KEY;
    }
}
