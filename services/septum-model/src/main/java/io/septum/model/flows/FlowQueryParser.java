package io.septum.model.flows;

import io.septum.model.net.Ipv4Cidr;
import io.septum.model.policy.FieldError;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a flow query from name/value pairs, the same for GET /v1/flows (query parameters) and for
 * {@code septum observe} (flags): hubble's filter names, {@code not.<name>} for a negated filter
 * ({@code --not --<name>} on the command line), {@code since}, {@code until}, {@code last}.
 *
 * <p>How filters combine: several values of one filter OR; different filters AND; the negated filters together
 * form one filter, and flows matching it are left out. Conflicting filters are rejected, each conflict naming
 * both filters: a directional filter with its either-side form (from-pod with pod), a filter and its negation on
 * the same value, drop-reason with only FORWARDED verdicts, since after until, until while following.
 */
public final class FlowQueryParser {

    /** The filters, by the name they have in queries and on the command line. */
    public enum Name {
        FROM_POD, TO_POD, POD, FROM_LABEL, TO_LABEL, LABEL, FROM_IP, TO_IP, IP, FROM_IDENTITY, TO_IDENTITY, IDENTITY,
        FROM_PORT, TO_PORT, PORT, PROTOCOL, VERDICT, DROP_REASON, NODE;

        public String text() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Optional<Name> of(String text) {
            for (Name n : values()) {
                if (n.text().equals(text)) {
                    return Optional.of(n);
                }
            }
            return Optional.empty();
        }

        /** The either-side filter of a from-/to- filter. */
        Optional<Name> eitherSide() {
            String t = text();
            if (t.startsWith("from-") || t.startsWith("to-")) {
                return of(t.substring(t.indexOf('-') + 1));
            }
            return Optional.empty();
        }
    }

    public static final String NOT_PREFIX = "not.";
    public static final Set<String> PROTOCOLS = Set.of("TCP", "UDP", "ICMP", "SCTP");
    public static final List<String> VERDICTS = FlowRecord.VERDICT_NAMES;

    /** One name/value pair as given. */
    public record Param(String name, String value) {
    }

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
    private static final Pattern LABEL_KEY = Pattern.compile("([a-z0-9]+:)?[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?");
    private static final Pattern AGO = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private final String flagPrefix;
    private final Set<String> dropReasons;
    private final Instant now;

    /**
     * @param flagPrefix  how names are shown in messages: "" for query parameters, "--" for flags
     * @param dropReasons the drop reason names the server knows; empty: any upper-case name is accepted
     * @param now         the time relative since/until ("5m": five minutes before now) count from
     */
    public FlowQueryParser(String flagPrefix, Set<String> dropReasons, Instant now) {
        this.flagPrefix = flagPrefix;
        this.dropReasons = Set.copyOf(dropReasons);
        this.now = now;
    }

    /**
     * @param follow the query also follows new flows (then {@code until} makes no sense)
     * @throws FlowQueryException with every problem found, each naming its filter
     */
    public FlowQuery parse(List<Param> params, boolean follow) throws FlowQueryException {
        List<FieldError> errors = new ArrayList<>();
        Map<Name, List<String>> include = new EnumMap<>(Name.class);
        Map<Name, List<String>> exclude = new EnumMap<>(Name.class);
        Optional<Instant> since = Optional.empty();
        Optional<Instant> until = Optional.empty();
        int last = 0;
        for (Param p : params) {
            String name = p.name();
            String value = p.value() == null ? "" : p.value().trim();
            switch (name) {
                case "since" -> since = time(name, value, errors);
                case "until" -> until = time(name, value, errors);
                case "last" -> last = positive(name, value, errors);
                default -> {
                    boolean negated = name.startsWith(NOT_PREFIX);
                    Optional<Name> filter = Name.of(negated ? name.substring(NOT_PREFIX.length()) : name);
                    if (filter.isEmpty()) {
                        errors.add(error(name, "unknown filter (known: " + known() + ")"));
                        continue;
                    }
                    normalize(filter.get(), name, value, errors).ifPresent(v ->
                            (negated ? exclude : include).computeIfAbsent(filter.get(), k -> new ArrayList<>()).add(v));
                }
            }
        }
        conflicts(include, "", errors);
        conflicts(exclude, NOT_PREFIX, errors);
        for (var entry : include.entrySet()) {
            for (String v : entry.getValue()) {
                if (exclude.getOrDefault(entry.getKey(), List.of()).contains(v)) {
                    errors.add(error(NOT_PREFIX + entry.getKey().text(), "conflicts with " + show(entry.getKey().text())
                            + ": both name '" + v + "', so no flow can match"));
                }
            }
        }
        List<String> verdicts = include.getOrDefault(Name.VERDICT, List.of());
        if (include.containsKey(Name.DROP_REASON) && !verdicts.isEmpty() && verdicts.stream().allMatch("FORWARDED"::equals)) {
            errors.add(error(Name.DROP_REASON.text(), "conflicts with " + show("verdict") + " FORWARDED: forwarded flows have no drop reason"));
        }
        if (since.isPresent() && until.isPresent() && since.get().isAfter(until.get())) {
            errors.add(error("since", "conflicts with " + show("until") + ": " + since.get() + " is after " + until.get()));
        }
        if (follow && until.isPresent()) {
            errors.add(error("until", "conflicts with following: new flows are always after it"));
        }
        if (!errors.isEmpty()) {
            throw new FlowQueryException(errors);
        }
        return new FlowQuery(new FlowFilter(dedupe(include)), new FlowFilter(dedupe(exclude)), since, until, last);
    }

    private void conflicts(Map<Name, List<String>> filters, String prefix, List<FieldError> errors) {
        for (Name n : filters.keySet()) {
            n.eitherSide().filter(filters::containsKey).ifPresent(either -> errors.add(error(prefix + n.text(),
                    "conflicts with " + show(prefix + either.text()) + ": " + show(prefix + either.text())
                            + " already matches either side; use " + show(prefix + n.text()) + " and "
                            + show(prefix + (n.text().startsWith("from-") ? "to-" : "from-") + either.text())
                            + ", or " + show(prefix + either.text()) + " alone")));
        }
    }

    private static Map<Name, List<String>> dedupe(Map<Name, List<String>> filters) {
        Map<Name, List<String>> out = new EnumMap<>(Name.class);
        filters.forEach((k, v) -> out.put(k, List.copyOf(new LinkedHashSet<>(v))));
        return out;
    }

    private Optional<String> normalize(Name filter, String name, String value, List<FieldError> errors) {
        if (value.isEmpty()) {
            errors.add(error(name, "needs a value"));
            return Optional.empty();
        }
        switch (filter) {
            case FROM_POD, TO_POD, POD -> {
                int slash = value.indexOf('/');
                String namespace = slash < 0 ? "default" : value.substring(0, slash);
                String pod = slash < 0 ? value : value.substring(slash + 1);
                if (!NAME.matcher(namespace).matches() || (!pod.isEmpty() && !NAME.matcher(pod).matches())) {
                    errors.add(error(name, "'" + value + "' is not [namespace/]pod or namespace/"));
                    return Optional.empty();
                }
                return Optional.of(namespace + "/" + pod);
            }
            case FROM_LABEL, TO_LABEL, LABEL -> {
                for (String term : value.split(",", -1)) {
                    String t = term.trim();
                    int eq = t.indexOf('=');
                    if (!LABEL_KEY.matcher(eq < 0 ? t : t.substring(0, eq)).matches()) {
                        errors.add(error(name, "'" + value + "' is not key[=value][,key[=value]...] (term '" + t + "')"));
                        return Optional.empty();
                    }
                }
                return Optional.of(value);
            }
            case FROM_IP, TO_IP, IP -> {
                try {
                    return Optional.of(Ipv4Cidr.parse(value).toString().replace("/32", ""));
                } catch (IllegalArgumentException e) {
                    errors.add(error(name, "'" + value + "' is not an IPv4 address or CIDR: " + e.getMessage()));
                    return Optional.empty();
                }
            }
            case FROM_IDENTITY, TO_IDENTITY, IDENTITY -> {
                return number(name, value, 0, Integer.MAX_VALUE, "an identity number", errors);
            }
            case FROM_PORT, TO_PORT, PORT -> {
                return number(name, value, 0, 65535, "a port (0-65535)", errors);
            }
            case PROTOCOL -> {
                return oneOf(name, value, PROTOCOLS, errors);
            }
            case VERDICT -> {
                return oneOf(name, value, Set.copyOf(VERDICTS), errors);
            }
            case DROP_REASON -> {
                String upper = value.toUpperCase(Locale.ROOT).replace('-', '_');
                if (!dropReasons.isEmpty()) {
                    return oneOf(name, upper, dropReasons, errors);
                }
                return Optional.of(upper);
            }
            case NODE -> {
                return Optional.of(value);
            }
        }
        throw new IllegalStateException("unhandled filter " + filter);
    }

    private Optional<String> oneOf(String name, String value, Set<String> allowed, List<FieldError> errors) {
        String upper = value.toUpperCase(Locale.ROOT);
        if (!allowed.contains(upper)) {
            errors.add(error(name, "'" + value + "' is not one of " + new java.util.TreeSet<>(allowed)));
            return Optional.empty();
        }
        return Optional.of(upper);
    }

    private Optional<String> number(String name, String value, long min, long max, String what, List<FieldError> errors) {
        try {
            long n = Long.parseLong(value);
            if (n >= min && n <= max) {
                return Optional.of(Long.toString(n));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(error(name, "'" + value + "' is not " + what));
        return Optional.empty();
    }

    private int positive(String name, String value, List<FieldError> errors) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(error(name, "'" + value + "' is not a positive number"));
        return 0;
    }

    /** An RFC 3339 time, or a duration before now: 30s, 5m, 2h, 1d, 500ms. */
    private Optional<Instant> time(String name, String value, List<FieldError> errors) {
        var ago = AGO.matcher(value);
        if (ago.matches()) {
            long n = Long.parseLong(ago.group(1));
            Duration d = switch (ago.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return Optional.of(now.minus(d));
        }
        try {
            return Optional.of(Instant.parse(value));
        } catch (DateTimeParseException e) {
            errors.add(error(name, "'" + value + "' is neither an RFC 3339 time (2026-01-02T15:04:05Z) nor a duration ago (30s, 5m, 2h, 1d)"));
            return Optional.empty();
        }
    }

    private FieldError error(String name, String message) {
        return new FieldError(0, show(name), message);
    }

    private String show(String name) {
        if (flagPrefix.isEmpty() || !name.startsWith(NOT_PREFIX)) {
            return flagPrefix + name;
        }
        return flagPrefix + "not " + flagPrefix + name.substring(NOT_PREFIX.length());
    }

    private static String known() {
        List<String> names = new ArrayList<>();
        for (Name n : Name.values()) {
            names.add(n.text());
        }
        names.addAll(List.of("since", "until", "last", NOT_PREFIX + "<filter>"));
        return String.join(", ", names);
    }
}
