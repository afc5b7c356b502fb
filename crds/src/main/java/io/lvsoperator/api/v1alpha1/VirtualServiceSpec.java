package io.lvsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** What a VirtualService asks for. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.service) != has(self.realServers)",
    message = "set exactly one of service and realServers")
public class VirtualServiceSpec {
  public static final String IPV4_PATTERN =
      "^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$";
  /** Bounds that keep one tenant's object from crowding the shared director configuration. */
  public static final int MAX_PORTS = 64;
  public static final int MAX_REAL_SERVERS = 1024;

  @Pattern(IPV4_PATTERN)
  @JsonPropertyDescription("Virtual IPv4 address (VIP) that clients connect to; one director announces it."
      + " Must lie in a VipPool the VirtualService may use once any VipPool exists; empty: the operator assigns"
      + " one from such a pool (status.vip shows it)")
  private String vip;

  @Required
  @Size(min = 1, max = MAX_PORTS)
  @JsonPropertyDescription("Ports of the VIP; each becomes one IPVS-style service (at most 64)")
  private List<PortSpec> ports;

  @JsonPropertyDescription("Forwarding method: DR (direct routing), NAT, TUN (IP-in-IP) or FULLNAT (the"
      + " director also rewrites the client's address to its own, so replies return on any network). Default:"
      + " FULLNAT with backends from a Service (pods answer through their CNI), else DR")
  private ForwardingMode mode;

  @JsonPropertyDescription("FULLNAT only: the source address real servers see and answer to. VIP (default):"
      + " replies follow the VIP to whichever director announces it, so connections survive a failover; the"
      + " real servers must reach the VIP as clients do. NODE: the director node's address; replies come back"
      + " on any network, but connections end when the VIP moves")
  private FullNatSource fullNatSource;

  @Pattern(IPV4_PATTERN)
  @JsonPropertyDescription("NAT only: the default gateway of the real servers (a floating DIP). The director"
      + " that owns the VIP answers ARP for it, so replies follow the VIP when it moves; VirtualServices that"
      + " share a gateway share a director")
  private String natGateway;

  @JsonPropertyDescription("IPVS scheduler: rr, wrr, lc, wlc (default), sh or mh (Maglev)")
  private SchedulerName scheduler;

  @JsonPropertyDescription("Client-IP affinity")
  private PersistenceSpec persistence;

  @JsonPropertyDescription("How directors check real servers; absent means no health checks")
  private HealthCheckSpec healthCheck;

  @JsonPropertyDescription("Backends from a Service in this namespace (its EndpointSlices); excludes realServers")
  private ServiceBackend service;

  @Size(max = MAX_REAL_SERVERS)
  @JsonPropertyDescription("Static real servers, for servers outside the cluster; excludes service (at most 1024)")
  private List<RealServerSpec> realServers;

  /** A copy that names {@code vip} (the same lists and objects, which nobody mutates). */
  public VirtualServiceSpec withVip(String vip) {
    VirtualServiceSpec c = new VirtualServiceSpec();
    c.vip = vip;
    c.ports = ports;
    c.mode = mode;
    c.fullNatSource = fullNatSource;
    c.natGateway = natGateway;
    c.scheduler = scheduler;
    c.persistence = persistence;
    c.healthCheck = healthCheck;
    c.service = service;
    c.realServers = realServers;
    return c;
  }

  public String getVip() {
    return vip;
  }

  public void setVip(String vip) {
    this.vip = vip;
  }

  public List<PortSpec> getPorts() {
    return ports;
  }

  public void setPorts(List<PortSpec> ports) {
    this.ports = ports;
  }

  /** {@link #getMode()} with its default: FULLNAT for a Service's pods, DR for static real servers. */
  public ForwardingMode effectiveMode() {
    return mode != null ? mode : service != null ? ForwardingMode.FULLNAT : ForwardingMode.DR;
  }

  public ForwardingMode getMode() {
    return mode;
  }

  public void setMode(ForwardingMode mode) {
    this.mode = mode;
  }

  public FullNatSource getFullNatSource() {
    return fullNatSource;
  }

  public void setFullNatSource(FullNatSource fullNatSource) {
    this.fullNatSource = fullNatSource;
  }

  public String getNatGateway() {
    return natGateway;
  }

  public void setNatGateway(String natGateway) {
    this.natGateway = natGateway;
  }

  public SchedulerName getScheduler() {
    return scheduler;
  }

  public void setScheduler(SchedulerName scheduler) {
    this.scheduler = scheduler;
  }

  public PersistenceSpec getPersistence() {
    return persistence;
  }

  public void setPersistence(PersistenceSpec persistence) {
    this.persistence = persistence;
  }

  public HealthCheckSpec getHealthCheck() {
    return healthCheck;
  }

  public void setHealthCheck(HealthCheckSpec healthCheck) {
    this.healthCheck = healthCheck;
  }

  public ServiceBackend getService() {
    return service;
  }

  public void setService(ServiceBackend service) {
    this.service = service;
  }

  public List<RealServerSpec> getRealServers() {
    return realServers;
  }

  public void setRealServers(List<RealServerSpec> realServers) {
    this.realServers = realServers;
  }
}
