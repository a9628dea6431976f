package io.septum.identity.endpoints;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** One page of endpoints; {@code continue} is absent on the last page. */
public record EndpointList(@Schema(required = true) List<Endpoint> items,
                           @JsonProperty("continue") @JsonInclude(JsonInclude.Include.NON_NULL) String continueToken) {
}
