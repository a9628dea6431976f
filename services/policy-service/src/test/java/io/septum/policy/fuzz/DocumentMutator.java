package io.septum.policy.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Structural mutations of valid policy documents, as a fuzzer for the parser and the apply endpoint: a
 * field deleted, duplicated into a sibling, its value swapped with another field's, or replaced by a random
 * scalar (numbers out of every range, strings, booleans, null), list or map; now and then a random tree
 * instead of a document. Deterministic for a given {@link Random}.
 */
final class DocumentMutator {

    static final YAMLMapper YAML = new YAMLMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String[] WORDS = {"", "x", "TCP", "UDP", "ICMP", "In", "NotIn", "Exists", "Ingress", "Egress", "0.0.0.0/0",
            "10.0.0.0/33", "10.0.0.1", "::1", "-", "a b", "pod", "http", "65536", "k8s:app", "ÿ", "${x}", "*", "true"};
    private static final long[] NUMBERS = {0, 1, -1, 80, 65535, 65536, Integer.MAX_VALUE, Long.MAX_VALUE, Long.MIN_VALUE};

    /** A rich valid NetworkPolicy: every field the parser knows, so every field gets mutated. */
    static final String SEED = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: web, namespace: x, labels: {team: a}}
            spec:
              podSelector:
                matchLabels: {app: web}
                matchExpressions: [{key: tier, operator: In, values: [a, b]}, {key: env, operator: Exists}]
              policyTypes: [Ingress, Egress]
              ingress:
                - from:
                    - podSelector: {matchLabels: {app: api}}
                      namespaceSelector: {matchLabels: {team: b}}
                    - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}
                  ports: [{port: 80}, {port: http, protocol: UDP}, {port: 1000, endPort: 2000, protocol: SCTP}]
              egress:
                - to: [{namespaceSelector: {}}]
                  ports: [{protocol: TCP}]
                - {}
            """;

    private final Random random;
    private final JsonNode seed;

    DocumentMutator(Random random) {
        this.random = random;
        try {
            this.seed = YAML.readTree(SEED);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A mutated copy of the seed (1-3 mutations), or one time in 50 a random tree. */
    JsonNode next() {
        if (random.nextInt(50) == 0) {
            return randomValue(3);
        }
        JsonNode document = seed.deepCopy();
        int mutations = 1 + random.nextInt(3);
        for (int i = 0; i < mutations; i++) {
            mutate(document);
        }
        return document;
    }

    static String yaml(JsonNode document) {
        try {
            return YAML.writeValueAsString(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void mutate(JsonNode document) {
        List<JsonNode> containers = new ArrayList<>();
        collect(document, containers);
        JsonNode container = containers.get(random.nextInt(containers.size()));
        if (container instanceof ObjectNode object && !object.isEmpty()) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            String name = names.get(random.nextInt(names.size()));
            switch (random.nextInt(4)) {
                case 0 -> object.remove(name);
                case 1 -> object.set(names.get(random.nextInt(names.size())), object.get(name).deepCopy());
                case 2 -> {
                    JsonNode other = object.get(names.get(random.nextInt(names.size())));
                    JsonNode mine = object.get(name);
                    object.set(name, other.deepCopy());
                    object.set(names.get(random.nextInt(names.size())), mine.deepCopy());
                }
                default -> object.set(name, randomValue(2));
            }
        } else if (container instanceof ArrayNode array && !array.isEmpty()) {
            int index = random.nextInt(array.size());
            switch (random.nextInt(3)) {
                case 0 -> array.remove(index);
                case 1 -> array.add(array.get(index).deepCopy());
                default -> array.set(index, randomValue(2));
            }
        } else if (container instanceof ObjectNode object) {
            object.set(WORDS[random.nextInt(WORDS.length)], randomValue(1));
        }
    }

    private static void collect(JsonNode node, List<JsonNode> containers) {
        if (node.isContainerNode()) {
            containers.add(node);
            node.forEach(child -> collect(child, containers));
        }
    }

    private JsonNode randomValue(int depth) {
        int choice = random.nextInt(depth > 0 ? 8 : 6);
        return switch (choice) {
            case 0 -> NODES.numberNode(NUMBERS[random.nextInt(NUMBERS.length)]);
            case 1 -> NODES.numberNode(random.nextDouble() * 1e6 - 5e5);
            case 2, 3 -> NODES.textNode(WORDS[random.nextInt(WORDS.length)]);
            case 4 -> NODES.booleanNode(random.nextBoolean());
            case 5 -> NODES.nullNode();
            case 6 -> {
                ArrayNode array = NODES.arrayNode();
                for (int i = random.nextInt(3); i > 0; i--) {
                    array.add(randomValue(depth - 1));
                }
                yield array;
            }
            default -> {
                ObjectNode object = NODES.objectNode();
                for (int i = random.nextInt(3); i > 0; i--) {
                    object.set(WORDS[random.nextInt(WORDS.length)], randomValue(depth - 1));
                }
                yield object;
            }
        };
    }
}
