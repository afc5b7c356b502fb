package io.lvsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Size and timeouts of the connection table; the timeouts are those of `ipvsadm --set`. */
public record ConnectionTableSpec(
    @JsonPropertyDescription("Most connection entries kept; the oldest are evicted beyond it")
        Integer maxEntries,
    @JsonPropertyDescription("Timeout of established TCP connections, seconds (IPVS: 900)")
        Integer tcpTimeoutSeconds,
    @JsonPropertyDescription("Timeout of TCP connections after a FIN, seconds (IPVS: 120)")
        Integer tcpFinTimeoutSeconds,
    @JsonPropertyDescription("Timeout of UDP flows, seconds (IPVS: 300)") Integer udpTimeoutSeconds) {

  public static final ConnectionTableSpec DEFAULTS = new ConnectionTableSpec(null, null, null, null);

  public ConnectionTableSpec {
    maxEntries = maxEntries == null ? 1 << 20 : maxEntries;
    tcpTimeoutSeconds = tcpTimeoutSeconds == null ? 900 : tcpTimeoutSeconds;
    tcpFinTimeoutSeconds = tcpFinTimeoutSeconds == null ? 120 : tcpFinTimeoutSeconds;
    udpTimeoutSeconds = udpTimeoutSeconds == null ? 300 : udpTimeoutSeconds;
  }
}
