package io.lvsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/**
 * What a director's dataplane reports: written by the dataplane when it changes, read by the
 * operator. Liveness is not here but in the director's Lease ({@link DirectorLeases}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DirectorStatus {
  @JsonPropertyDescription("spec.generation of the configuration in force")
  private Long appliedGeneration;

  @JsonPropertyDescription("Ready (forwarding with the applied configuration), Degraded")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Interface the dataplane owns")
  private String interfaceName;

  @JsonPropertyDescription("MAC address of that interface")
  private String mac;

  @JsonPropertyDescription("IPv4 address the director speaks from on that interface (its advertisements' source)")
  private String address;

  @JsonPropertyDescription("Addresses (VIPs, NAT gateways) it announces now, as it decided with its peers")
  private List<String> announced;

  @JsonPropertyDescription("When a dataplane of the previous contract last wrote this status (RFC 3339);"
      + " current dataplanes renew a Lease instead")
  private String heartbeatTime;

  @JsonPropertyDescription("Services whose real servers fail their health checks, with those real servers"
      + " (dataplanes of the previous contract listed every service)")
  private List<ServiceHealth> services = new ArrayList<>();

  public List<ServiceHealth> getServices() {
    return services;
  }

  public void setServices(List<ServiceHealth> services) {
    this.services = services;
  }

  public Long getAppliedGeneration() {
    return appliedGeneration;
  }

  public void setAppliedGeneration(Long appliedGeneration) {
    this.appliedGeneration = appliedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public String getInterfaceName() {
    return interfaceName;
  }

  public void setInterfaceName(String interfaceName) {
    this.interfaceName = interfaceName;
  }

  public String getAddress() {
    return address;
  }

  public void setAddress(String address) {
    this.address = address;
  }

  public String getMac() {
    return mac;
  }

  public void setMac(String mac) {
    this.mac = mac;
  }

  public List<String> getAnnounced() {
    return announced;
  }

  public void setAnnounced(List<String> announced) {
    this.announced = announced;
  }

  public String getHeartbeatTime() {
    return heartbeatTime;
  }

  public void setHeartbeatTime(String heartbeatTime) {
    this.heartbeatTime = heartbeatTime;
  }
}
