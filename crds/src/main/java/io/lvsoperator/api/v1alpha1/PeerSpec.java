package io.lvsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * A director as its peers know it on the network (docs/architecture.md, "Director liveness"):
 * the VRRP router ID its advertisements carry and the address they come from. Advertisements
 * from anyone else are dropped.
 */
public record PeerSpec(
    @JsonPropertyDescription("Director node name") String name,
    @JsonPropertyDescription("IPv4 address its advertisements come from (its status.address)") String address,
    @JsonPropertyDescription("VRRP virtual router ID of its advertisements, 1-255, unique among the directors")
        Integer routerId) {}
