package io.septum.identity.allocation;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** One page of identities; {@code continue} is absent on the last page. */
public record IdentityList(@Schema(required = true) List<Identity> items,
                           @JsonProperty("continue") @JsonInclude(JsonInclude.Include.NON_NULL) String continueToken) {
}
