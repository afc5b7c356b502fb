package io.lvsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** A Service in the VirtualService's namespace whose ready endpoints become real servers. */
public record ServiceBackend(
    @Required @JsonPropertyDescription("Name of the Service") String name,
    @JsonPropertyDescription("Name or number of the Service port whose endpoints are used; default: the first")
        String port) {}
