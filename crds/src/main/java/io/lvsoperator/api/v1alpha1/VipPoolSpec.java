package io.lvsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

/** The addresses of a {@link VipPool} and who may use them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VipPoolSpec {
  /** Bounds the work of one allocation and of the overlap checks between pools. */
  public static final int MAX_RANGES = 64;

  @Required
  @Size(min = 1, max = MAX_RANGES)
  @JsonPropertyDescription("The pool's addresses: prefixes (198.18.100.0/28, every address of it) and"
      + " first-last ranges (198.18.100.20-198.18.100.30); at most 64. Pools may not overlap")
  private List<String> addresses;

  @JsonPropertyDescription("Whether the operator assigns addresses of this pool to VirtualServices that leave"
      + " spec.vip empty (default true); false keeps the pool for VIPs asked for by address")
  private Boolean autoAssign;

  @JsonPropertyDescription("Namespaces whose VirtualServices may use the pool, by their labels; absent means"
      + " every namespace")
  private LabelSelector namespaceSelector;

  @JsonPropertyDescription("VirtualServices that may use the pool, by their own labels; absent means every one")
  private LabelSelector serviceSelector;

  @JsonPropertyDescription("Director nodes that may announce the pool's addresses, by the Node's labels (a zone,"
      + " a rack, the nodes on that network); absent means every director")
  private LabelSelector nodeSelector;

  public LabelSelector getNodeSelector() {
    return nodeSelector;
  }

  public void setNodeSelector(LabelSelector nodeSelector) {
    this.nodeSelector = nodeSelector;
  }

  public List<String> getAddresses() {
    return addresses;
  }

  public void setAddresses(List<String> addresses) {
    this.addresses = addresses;
  }

  public Boolean getAutoAssign() {
    return autoAssign;
  }

  public void setAutoAssign(Boolean autoAssign) {
    this.autoAssign = autoAssign;
  }

  /** {@link #getAutoAssign()} with its default. */
  public boolean autoAssigns() {
    return autoAssign == null || autoAssign;
  }

  public LabelSelector getNamespaceSelector() {
    return namespaceSelector;
  }

  public void setNamespaceSelector(LabelSelector namespaceSelector) {
    this.namespaceSelector = namespaceSelector;
  }

  public LabelSelector getServiceSelector() {
    return serviceSelector;
  }

  public void setServiceSelector(LabelSelector serviceSelector) {
    this.serviceSelector = serviceSelector;
  }
}
