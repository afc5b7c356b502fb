package io.lvsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** One real server (RIP) behind a virtual service. */
public record RealServerSpec(
    @Required @Pattern(VirtualServiceSpec.IPV4_PATTERN)
    @JsonPropertyDescription("Real server IPv4 address (RIP)") String address,
    @Min(0) @Max(65535)
    @JsonPropertyDescription(
            "Port on the real server; defaults to the service port. Only NAT may change it")
        Integer port,
    @Min(0) @Max(65535)
    @JsonPropertyDescription(
            "Relative weight; 0 takes no new connections while existing ones continue")
        Integer weight) {

  public static final int DEFAULT_WEIGHT = 1;

  public RealServerSpec {
    weight = weight == null ? DEFAULT_WEIGHT : weight;
  }

  /** The port connections go to: the explicit one, else the service's. */
  public int portOr(int servicePort) {
    return port == null ? servicePort : port;
  }
}
