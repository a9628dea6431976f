package io.septum.cli.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/** Policy documents as the CLI prints them: YAML, without the document marker, keys in stored order. */
final class Documents {

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build();

    private Documents() {
    }

    static String yaml(JsonNode document) {
        if (document == null || document.isMissingNode() || document.isNull()) {
            return "";
        }
        try {
            return YAML.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("print document as YAML: " + e.getOriginalMessage(), e);
        }
    }
}
