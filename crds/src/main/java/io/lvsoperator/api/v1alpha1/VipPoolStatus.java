package io.lvsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What the operator reports on a {@link VipPool}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VipPoolStatus {
  @JsonPropertyDescription("Accepted: whether VirtualServices may use the pool, and why not")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The metadata.generation this status describes")
  private Long observedGeneration;

  @JsonPropertyDescription("Addresses of the pool that VirtualServices use")
  private Long assigned;

  @JsonPropertyDescription("Addresses of the pool still free")
  private Long available;

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

  public Long getAssigned() {
    return assigned;
  }

  public void setAssigned(Long assigned) {
    this.assigned = assigned;
  }

  public Long getAvailable() {
    return available;
  }

  public void setAvailable(Long available) {
    this.available = available;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VipPoolStatus s && Objects.equals(conditions, s.conditions)
        && Objects.equals(observedGeneration, s.observedGeneration) && Objects.equals(assigned, s.assigned)
        && Objects.equals(available, s.available);
  }

  @Override
  public int hashCode() {
    return Objects.hash(conditions, observedGeneration, assigned, available);
  }
}
