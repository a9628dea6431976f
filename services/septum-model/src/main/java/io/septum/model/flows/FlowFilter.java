package io.septum.model.flows;

import io.septum.model.labels.Label;
import io.septum.model.net.Ipv4Cidr;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The field filters of a flow query, shaped like {@code hubble observe}: several values of one filter match if any
 * matches (OR); different filters must all match (AND). A {@code from-}/{@code to-} filter looks at the source or
 * the destination; the plain one at either side. An empty filter matches every flow.
 *
 * <p>Values are already validated by {@link FlowQueryParser}: pods are {@code ns/name} or {@code ns/} (a whole
 * namespace); labels are comma-separated {@code key=value} or {@code key} terms that must all hold; addresses are
 * CIDRs; protocol, verdict and drop reason are upper-case names.
 */
public record FlowFilter(Map<FlowQueryParser.Name, List<String>> values) {

    public static final FlowFilter EMPTY = new FlowFilter(Map.of());

    public FlowFilter {
        values = Map.copyOf(values);
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    public List<String> get(FlowQueryParser.Name name) {
        return values.getOrDefault(name, List.of());
    }

    public boolean matches(Flow flow) {
        for (var entry : values.entrySet()) {
            if (!matches(entry.getKey(), entry.getValue(), flow)) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(FlowQueryParser.Name name, List<String> wanted, Flow flow) {
        return switch (name) {
            case FROM_POD -> any(wanted, v -> pod(v, flow.source()));
            case TO_POD -> any(wanted, v -> pod(v, flow.destination()));
            case POD -> any(wanted, v -> pod(v, flow.source()) || pod(v, flow.destination()));
            case FROM_LABEL -> any(wanted, v -> labels(v, flow.source()));
            case TO_LABEL -> any(wanted, v -> labels(v, flow.destination()));
            case LABEL -> any(wanted, v -> labels(v, flow.source()) || labels(v, flow.destination()));
            case FROM_IP -> any(wanted, v -> ip(v, flow.source()));
            case TO_IP -> any(wanted, v -> ip(v, flow.destination()));
            case IP -> any(wanted, v -> ip(v, flow.source()) || ip(v, flow.destination()));
            case FROM_IDENTITY -> any(wanted, v -> Integer.parseInt(v) == flow.source().identity());
            case TO_IDENTITY -> any(wanted, v -> Integer.parseInt(v) == flow.destination().identity());
            case IDENTITY -> any(wanted, v -> Integer.parseInt(v) == flow.source().identity()
                    || Integer.parseInt(v) == flow.destination().identity());
            case FROM_PORT -> any(wanted, v -> Integer.parseInt(v) == flow.sourcePort());
            case TO_PORT -> any(wanted, v -> Integer.parseInt(v) == flow.destinationPort());
            case PORT -> any(wanted, v -> Integer.parseInt(v) == flow.sourcePort() || Integer.parseInt(v) == flow.destinationPort());
            case PROTOCOL -> wanted.contains(flow.protocol());
            case VERDICT -> wanted.contains(flow.verdict());
            case DROP_REASON -> wanted.contains(flow.dropReason());
            case NODE -> wanted.contains(flow.node());
        };
    }

    private static boolean any(List<String> wanted, java.util.function.Predicate<String> test) {
        for (String v : wanted) {
            if (test.test(v)) {
                return true;
            }
        }
        return false;
    }

    private static boolean pod(String wanted, Flow.FlowEndpoint endpoint) {
        if (endpoint.pod().isEmpty()) {
            return false;
        }
        int slash = wanted.indexOf('/');
        String namespace = wanted.substring(0, slash);
        String pod = wanted.substring(slash + 1);
        return endpoint.namespace().equals(namespace) && (pod.isEmpty() || endpoint.pod().equals(pod));
    }

    /** Every comma-separated term must hold: {@code key=value}, or {@code key} (present with any value). */
    private static boolean labels(String wanted, Flow.FlowEndpoint endpoint) {
        for (String term : wanted.split(",")) {
            if (!label(term.trim(), endpoint.labels())) {
                return false;
            }
        }
        return true;
    }

    private static boolean label(String term, List<String> labels) {
        int eq = term.indexOf('=');
        String key = eq < 0 ? term : term.substring(0, eq);
        String value = eq < 0 ? null : term.substring(eq + 1);
        boolean qualified = key.indexOf(':') >= 0;
        for (String text : labels) {
            Label label = Label.parse(text);
            boolean keyMatches = qualified ? label.qualifiedKey().equals(key) : label.key().equals(key);
            if (keyMatches && (value == null || label.value().equals(value))) {
                return true;
            }
        }
        return false;
    }

    private static boolean ip(String wanted, Flow.FlowEndpoint endpoint) {
        return !endpoint.ip().isEmpty() && CIDRS.apply(wanted).contains(Ipv4Cidr.parseAddress(endpoint.ip()));
    }

    private static final Function<String, Ipv4Cidr> CIDRS = v -> Ipv4Cidr.parse(v.indexOf('/') < 0 ? v + "/32" : v);
}
