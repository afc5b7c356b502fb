package io.lvsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** How the director checks its real servers (applied by the cluster dataplane). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HealthCheckSpec(
    @JsonPropertyDescription("tcp (connect) or http (GET, expecting a 2xx/3xx status)") String type,
    @JsonPropertyDescription("Path for http checks: starts with /, printable ASCII without spaces, at most 1024"
        + " characters") @Pattern(PATH_PATTERN) String path,
    @JsonPropertyDescription("Seconds between checks (1-3600)") @Min(1) @Max(MAX_INTERVAL_SECONDS)
        Integer intervalSeconds,
    @JsonPropertyDescription("Seconds before a check fails (1-60)") @Min(1) @Max(MAX_TIMEOUT_SECONDS)
        Integer timeoutSeconds,
    @JsonPropertyDescription("Consecutive successes that make a real server healthy (1-100)") @Min(1)
        @Max(MAX_RISE_FALL) Integer rise,
    @JsonPropertyDescription("Consecutive failures that make a real server unhealthy (1-100)") @Min(1)
        @Max(MAX_RISE_FALL) Integer fall,
    @JsonPropertyDescription("Port to probe on every real server (keepalived's connect_port); default: the"
        + " real server's port of each service. Set it for UDP services and every-port services")
        @Min(1) @Max(65535) Integer port) {

  /** No CR, LF or space can reach the request line: a path is one printable token. */
  public static final String PATH_PATTERN = "^/[!-~]{0,1023}$";
  public static final int MAX_INTERVAL_SECONDS = 3600;
  public static final int MAX_TIMEOUT_SECONDS = 60;
  public static final int MAX_RISE_FALL = 100;

  public HealthCheckSpec {
    type = type == null ? "tcp" : type;
    path = path == null ? "/" : path;
    intervalSeconds = intervalSeconds == null ? 2 : intervalSeconds;
    timeoutSeconds = timeoutSeconds == null ? 1 : timeoutSeconds;
    rise = rise == null ? 2 : rise;
    fall = fall == null ? 2 : fall;
  }
}
