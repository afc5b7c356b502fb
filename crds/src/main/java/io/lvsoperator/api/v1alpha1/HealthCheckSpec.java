package io.lvsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How the director checks its real servers (applied by the cluster dataplane). */
public record HealthCheckSpec(
    @JsonPropertyDescription("tcp (connect) or http (GET, expecting a 2xx/3xx status)") String type,
    @JsonPropertyDescription("Path for http checks") String path,
    @JsonPropertyDescription("Seconds between checks") Integer intervalSeconds,
    @JsonPropertyDescription("Seconds before a check fails") Integer timeoutSeconds,
    @JsonPropertyDescription("Consecutive successes that make a real server healthy") Integer rise,
    @JsonPropertyDescription("Consecutive failures that make a real server unhealthy")
        Integer fall) {

  public HealthCheckSpec {
    type = type == null ? "tcp" : type;
    path = path == null ? "/" : path;
    intervalSeconds = intervalSeconds == null ? 2 : intervalSeconds;
    timeoutSeconds = timeoutSeconds == null ? 1 : timeoutSeconds;
    rise = rise == null ? 2 : rise;
    fall = fall == null ? 2 : fall;
  }
}
