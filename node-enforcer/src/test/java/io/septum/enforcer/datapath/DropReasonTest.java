package io.septum.enforcer.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Java enum mirrors the one definition of drop reasons, packaged with the BPF object. */
class DropReasonTest {

    /** One X(code, NAME, "description") entry of SEPTUM_DROP_REASONS. */
    private static final Pattern ENTRY = Pattern.compile("X\\(\\s*(\\d+)\\s*,\\s*(\\w+)\\s*,\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*\\)");

    record Entry(int code, String name, String description) {
    }

    @Test
    void enumMatchesTheHeaderEntryByEntry() throws IOException {
        List<Entry> header = parseHeader();
        List<Entry> java = Arrays.stream(DropReason.values()).map(r -> new Entry(r.code(), r.name(), r.description())).toList();

        assertThat(header).as("drop reasons in bpf/drop_reasons.h").isNotEmpty();
        assertThat(java).as("DropReason, in declaration order").containsExactlyElementsOf(header);
    }

    @Test
    void codesAreDenseFromZeroAndFitTheMetricsIndex() {
        for (DropReason reason : DropReason.values()) {
            assertThat(reason.code()).isEqualTo(reason.ordinal()).isLessThan(256);
            assertThat(DropReason.of(reason.code())).isSameAs(reason);
        }
    }

    private static List<Entry> parseHeader() throws IOException {
        String text;
        try (InputStream in = DropReason.class.getClassLoader().getResourceAsStream(DropReason.HEADER_RESOURCE)) {
            assertThat(in).as(DropReason.HEADER_RESOURCE + " on the class path").isNotNull();
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int start = text.indexOf("#define SEPTUM_DROP_REASONS(X)");
        assertThat(start).as("the X-macro list").isNotNegative();
        int end = text.indexOf("\n\n", start);
        Matcher m = ENTRY.matcher(text.substring(start, end < 0 ? text.length() : end));
        List<Entry> entries = new ArrayList<>();
        while (m.find()) {
            entries.add(new Entry(Integer.parseInt(m.group(1)), m.group(2), m.group(3).replace("\\\"", "\"")));
        }
        return entries;
    }
}
