package io.lvsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One real server as a director sees it. */
public record RealServerHealth(
    @JsonPropertyDescription("RIP") String address,
    @JsonPropertyDescription("Port on the real server") Integer port,
    @JsonPropertyDescription("False while health checks fail: no new connections") Boolean healthy,
    @JsonPropertyDescription("Established connections") Integer activeConnections,
    @JsonPropertyDescription("Connections in other states") Integer inactiveConnections) {}
