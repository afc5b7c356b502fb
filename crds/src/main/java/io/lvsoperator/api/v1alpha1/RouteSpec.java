package io.lvsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A static route beyond the connected prefixes of the director's addresses. */
public record RouteSpec(
    @JsonPropertyDescription("Destination prefix in CIDR notation, for example 198.19.0.0/16 or 0.0.0.0/0")
        String prefix,
    @JsonPropertyDescription("Next hop IPv4 address; must be inside a connected prefix") String via) {}
