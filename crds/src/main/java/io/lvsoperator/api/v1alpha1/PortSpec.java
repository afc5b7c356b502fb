package io.lvsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** One port of a VirtualService. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PortSpec(
    @Required @Min(0) @Max(65535)
    @JsonPropertyDescription("Port on the VIP; 0 means every port") Integer port,
    @JsonPropertyDescription("TCP (default) or UDP") Protocol protocol,
    @Min(1) @Max(65535)
    @JsonPropertyDescription("Port on the real servers (NAT only); defaults to port, or to the Service port's target")
        Integer targetPort) {}
