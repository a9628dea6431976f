package io.septum.flows.api;

import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;

import java.util.ArrayList;

/** Every property of every schema this API serves is always present (empty rather than null), as openapi/flows.yaml says. */
public class AllPropertiesRequired implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() != null && openAPI.getComponents().getSchemas() != null) {
            openAPI.getComponents().getSchemas().values().stream()
                    .filter(s -> s.getProperties() != null && !s.getProperties().isEmpty())
                    .forEach(s -> s.setRequired(new ArrayList<>(s.getProperties().keySet())));
        }
    }
}
