package io.lvsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** One virtual service: VIP:port/protocol, forwarding mode, scheduler and its real servers. */
public record ServiceSpec(
    @JsonPropertyDescription("namespace/name of the VirtualService this comes from") String name,
    @JsonPropertyDescription("Virtual IPv4 address clients connect to") String vip,
    @JsonPropertyDescription("Service port; 0 means every port of the VIP") Integer port,
    @JsonPropertyDescription("TCP or UDP (default TCP)") Protocol protocol,
    @JsonPropertyDescription("DR, NAT, TUN or FULLNAT (default DR)") ForwardingMode mode,
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyDescription("FULLNAT only: VIP (default) or NODE, the source address real servers answer to")
        FullNatSource fullNatSource,
    @JsonPropertyDescription("rr, wrr, lc, wlc, sh or mh (default wlc, as ipvsadm)")
        SchedulerName scheduler,
    @JsonPropertyDescription("Client-IP affinity timeout in seconds; 0 turns it off")
        Integer persistenceSeconds,
    @JsonPropertyDescription("Health check of the real servers; absent means none")
        HealthCheckSpec healthCheck,
    @JsonPropertyDescription("The real servers (RIPs)") List<RealServerSpec> realServers) {

  public ServiceSpec {
    protocol = protocol == null ? Protocol.TCP : protocol;
    mode = mode == null ? ForwardingMode.DR : mode;
    if (mode == ForwardingMode.FULLNAT && fullNatSource == null) {
      fullNatSource = FullNatSource.VIP;
    }
    scheduler = scheduler == null ? SchedulerName.WLC : scheduler;
    persistenceSeconds = persistenceSeconds == null ? 0 : persistenceSeconds;
    realServers = realServers == null ? List.of() : List.copyOf(realServers);
  }

  /** A service of another mode than FULLNAT, which has no source address to choose. */
  public ServiceSpec(String name, String vip, Integer port, Protocol protocol, ForwardingMode mode,
      SchedulerName scheduler, Integer persistenceSeconds, HealthCheckSpec healthCheck,
      List<RealServerSpec> realServers) {
    this(name, vip, port, protocol, mode, null, scheduler, persistenceSeconds, healthCheck, realServers);
  }

  /** The name used in logs and metrics: the given one, else vip:port/protocol. */
  public String displayName() {
    return name != null ? name : vip + ":" + port + "/" + protocol;
  }
}
