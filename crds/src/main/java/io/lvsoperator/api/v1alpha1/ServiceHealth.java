package io.lvsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** A service as one director runs it, with the health of its real servers. */
public record ServiceHealth(
    @JsonPropertyDescription("namespace/name of the VirtualService") String name,
    @JsonPropertyDescription("VIP") String vip,
    @JsonPropertyDescription("Port on the VIP") Integer port,
    @JsonPropertyDescription("TCP or UDP") String protocol,
    @JsonPropertyDescription("Its real servers") List<RealServerHealth> realServers) {}
