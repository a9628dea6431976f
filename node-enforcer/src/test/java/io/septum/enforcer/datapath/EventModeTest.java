package io.septum.enforcer.datapath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The Java enum mirrors the one definition of event modes, packaged with the BPF object. */
class EventModeTest {

    private static final Pattern ENTRY = Pattern.compile("EVENT_MODE_(\\w+)\\s*=\\s*(\\d+)\\s*,");

    @Test
    void enumMatchesTheHeaderEntryByEntry() throws IOException {
        Map<String, Integer> header = parseHeader();
        Map<String, Integer> java = Arrays.stream(EventMode.values())
                .collect(Collectors.toMap(EventMode::name, EventMode::code, (a, b) -> a, LinkedHashMap::new));

        assertThat(header).as("modes in " + EventMode.HEADER_RESOURCE).isNotEmpty();
        assertThat(java).as("EventMode, in declaration order").containsExactlyEntriesOf(header);
    }

    @Test
    void theDefaultIsTheZeroOfAFreshMap() {
        assertThat(EventMode.of(0)).isEqualTo(EventMode.CONNECTIONS);
    }

    @Test
    void optionNamesParseBackAndOthersAreRefusedByName() {
        for (EventMode mode : EventMode.values()) {
            assertThat(EventMode.parse(mode.optionName())).isSameAs(mode);
        }
        assertThat(EventMode.parse(" Packets ")).isSameAs(EventMode.PACKETS);
        assertThatThrownBy(() -> EventMode.parse("all")).hasMessage("flow event mode 'all': expected off, connections or packets");
    }

    private static Map<String, Integer> parseHeader() throws IOException {
        String text;
        try (InputStream in = EventMode.class.getClassLoader().getResourceAsStream(EventMode.HEADER_RESOURCE)) {
            assertThat(in).as(EventMode.HEADER_RESOURCE + " on the class path").isNotNull();
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int start = text.indexOf("enum event_mode {");
        assertThat(start).as("enum event_mode").isNotNegative();
        Matcher m = ENTRY.matcher(text.substring(start, text.indexOf("};", start)));
        Map<String, Integer> entries = new LinkedHashMap<>();
        while (m.find()) {
            entries.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        return entries;
    }
}
