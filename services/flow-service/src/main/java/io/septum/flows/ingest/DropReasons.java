package io.septum.flows.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drop reason names by code, read from the one definition, bpf-src/lib/drop_reasons.h, as the septum-bpf jar
 * packages it: the API, the CLI and the metrics show exactly the datapath's names without a copy to keep in step.
 */
public final class DropReasons {

    public static final String RESOURCE = "bpf/drop_reasons.h";
    private static final Pattern ENTRY = Pattern.compile("X\\((\\d+),\\s*([A-Z0-9_]+),\\s*\"([^\"]*)\"\\)");

    private final Map<Integer, String> names;

    private DropReasons(Map<Integer, String> names) {
        this.names = Map.copyOf(names);
    }

    public static DropReasons load() {
        try (InputStream in = DropReasons.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("read drop reasons: " + RESOURCE + " is not on the class path (septum-bpf jar missing)");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("read drop reasons from " + RESOURCE + ": " + e.getMessage(), e);
        }
    }

    static DropReasons parse(String header) {
        Map<Integer, String> names = new HashMap<>();
        Matcher m = ENTRY.matcher(header);
        while (m.find()) {
            names.put(Integer.parseInt(m.group(1)), m.group(2));
        }
        if (names.isEmpty()) {
            throw new IllegalStateException("read drop reasons: no X(code, NAME, \"description\") entries in " + RESOURCE);
        }
        return new DropReasons(names);
    }

    /** The name of a code; a code this build does not know (a newer datapath) shows as its number. */
    public String name(int code) {
        String name = names.get(code);
        return name != null ? name : "REASON_" + code;
    }

    public Set<String> names() {
        return new TreeSet<>(names.values());
    }
}
