package io.lvsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What the operator reports back on a VirtualService. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VirtualServiceStatus {
  @JsonPropertyDescription("Accepted, Programmed and Ready, as Kubernetes API conventions describe")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The metadata.generation this status describes")
  private Long observedGeneration;

  @JsonPropertyDescription("The VIP: spec.vip, or the address assigned from a VipPool when spec.vip is empty")
  private String vip;

  @JsonPropertyDescription("The VipPool the VIP comes from (none while no VipPool exists)")
  private String pool;

  @JsonPropertyDescription("Node of the director that announces the VIP")
  private String director;

  @JsonPropertyDescription("Ports as shown by kubectl, for example 80/TCP,53/UDP")
  private String ports;

  @JsonPropertyDescription("Ready real servers over all, for example 2/3")
  private String ready;

  @JsonPropertyDescription("Real servers that are ready")
  private Integer readyRealServers;

  @JsonPropertyDescription("All real servers")
  private Integer totalRealServers;

  @JsonPropertyDescription("Each real server and its state")
  private List<RealServerStatus> realServers = new ArrayList<>();

  @JsonPropertyDescription("The VIP:port/protocol this VirtualService holds (for example 198.18.0.100:80/TCP); held"
      + " while it exists, whatever is edited or created later")
  private List<String> claims;

  public String getVip() {
    return vip;
  }

  public void setVip(String vip) {
    this.vip = vip;
  }

  public String getPool() {
    return pool;
  }

  public void setPool(String pool) {
    this.pool = pool;
  }

  public List<String> getClaims() {
    return claims;
  }

  public void setClaims(List<String> claims) {
    this.claims = claims;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public String getDirector() {
    return director;
  }

  public void setDirector(String director) {
    this.director = director;
  }

  public String getPorts() {
    return ports;
  }

  public void setPorts(String ports) {
    this.ports = ports;
  }

  public String getReady() {
    return ready;
  }

  public void setReady(String ready) {
    this.ready = ready;
  }

  public Integer getReadyRealServers() {
    return readyRealServers;
  }

  public void setReadyRealServers(Integer readyRealServers) {
    this.readyRealServers = readyRealServers;
  }

  public Integer getTotalRealServers() {
    return totalRealServers;
  }

  public void setTotalRealServers(Integer totalRealServers) {
    this.totalRealServers = totalRealServers;
  }

  public List<RealServerStatus> getRealServers() {
    return realServers;
  }

  public void setRealServers(List<RealServerStatus> realServers) {
    this.realServers = realServers;
  }

  /** Equal when every field is: an unchanged status is not written again. */
  @Override
  public boolean equals(Object o) {
    return o instanceof VirtualServiceStatus s && Objects.equals(conditions, s.conditions)
        && Objects.equals(observedGeneration, s.observedGeneration) && Objects.equals(vip, s.vip)
        && Objects.equals(pool, s.pool) && Objects.equals(director, s.director) && Objects.equals(ports, s.ports)
        && Objects.equals(ready, s.ready) && Objects.equals(readyRealServers, s.readyRealServers)
        && Objects.equals(totalRealServers, s.totalRealServers) && Objects.equals(realServers, s.realServers)
        && Objects.equals(claims, s.claims);
  }

  @Override
  public int hashCode() {
    return Objects.hash(conditions, observedGeneration, vip, pool, director, ports, ready, readyRealServers,
        totalRealServers, realServers, claims);
  }
}
