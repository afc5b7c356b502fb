package io.lvsoperator.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.lvsoperator.api.v1alpha1.Director;
import io.lvsoperator.api.v1alpha1.VirtualService;
import io.lvsoperator.operator.render.DirectorNode;
import io.lvsoperator.operator.validation.ReservedAddresses;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What the informer caches hold at the start of a reconcile. */
record ClusterView(
    List<VirtualService> virtualServices, List<EndpointSlice> slices, List<Pod> dataplanePods,
    List<Director> directors, ReservedAddresses reservedAddresses) {

  /** Nodes running a dataplane pod; ready when one of its pods there is Ready. */
  List<DirectorNode> directorNodes() {
    Map<String, Boolean> nodes = new TreeMap<>();
    for (Pod p : dataplanePods) {
      String node = p.getSpec() == null ? null : p.getSpec().getNodeName();
      if (node == null || node.isBlank() || p.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      boolean ready = p.getStatus() != null && p.getStatus().getConditions() != null
          && p.getStatus().getConditions().stream()
              .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
      nodes.merge(node, ready, Boolean::logicalOr);
    }
    return nodes.entrySet().stream().map(e -> new DirectorNode(e.getKey(), e.getValue())).toList();
  }

  /** VIP -> the director whose spec announces it now. */
  Map<String, String> currentOwners() {
    Map<String, String> owners = new TreeMap<>();
    for (Director d : directors) {
      if (d.getSpec() != null) {
        d.getSpec().vips().forEach(v -> owners.put(v, DirectorWriter.nodeOf(d)));
      }
    }
    return owners;
  }

  List<EndpointSlice> slicesOf(String namespace, String service) {
    return slices.stream().filter(s -> namespace.equals(s.getMetadata().getNamespace())
        && s.getMetadata().getLabels() != null
        && service.equals(s.getMetadata().getLabels().get(
            io.lvsoperator.operator.render.BackendResolver.SERVICE_NAME_LABEL))).toList();
  }
}
