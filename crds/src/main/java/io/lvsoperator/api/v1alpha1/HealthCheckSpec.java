package io.lvsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** How the director checks its real servers (applied by the cluster dataplane). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HealthCheckSpec(
    @JsonPropertyDescription("tcp (connect) or http (GET, expecting a 2xx/3xx status)") String type,
    @JsonPropertyDescription("Path for http checks") String path,
    @JsonPropertyDescription("Seconds between checks") Integer intervalSeconds,
    @JsonPropertyDescription("Seconds before a check fails") Integer timeoutSeconds,
    @JsonPropertyDescription("Consecutive successes that make a real server healthy") Integer rise,
    @JsonPropertyDescription("Consecutive failures that make a real server unhealthy")
        Integer fall,
    @JsonPropertyDescription("Port to probe on every real server (keepalived's connect_port); default: the"
        + " real server's port of each service. Set it for UDP services and every-port services")
        @Min(1) @Max(65535) Integer port) {

  public HealthCheckSpec {
    type = type == null ? "tcp" : type;
    path = path == null ? "/" : path;
    intervalSeconds = intervalSeconds == null ? 2 : intervalSeconds;
    timeoutSeconds = timeoutSeconds == null ? 1 : timeoutSeconds;
    rise = rise == null ? 2 : rise;
    fall = fall == null ? 2 : fall;
  }
}
