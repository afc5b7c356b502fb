package io.lvsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the operator reports back on a VirtualService. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VirtualServiceStatus {
  @JsonPropertyDescription("Accepted, Programmed and Ready, as Kubernetes API conventions describe")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The metadata.generation this status describes")
  private Long observedGeneration;

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
}
