package io.lvsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One real server as the operator sees it. */
public record RealServerStatus(
    @JsonPropertyDescription("RIP") String address,
    @JsonPropertyDescription("Port on the real server") Integer port,
    @JsonPropertyDescription("Weight given to the directors (0 while an endpoint terminates)") Integer weight,
    @JsonPropertyDescription("Ready (endpoint ready, or static) or Terminating") String state) {}
