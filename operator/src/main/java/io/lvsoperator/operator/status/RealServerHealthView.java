package io.lvsoperator.operator.status;

import io.lvsoperator.api.v1alpha1.Director;
import io.lvsoperator.api.v1alpha1.RealServerHealth;
import io.lvsoperator.api.v1alpha1.ServiceHealth;
import io.lvsoperator.api.v1alpha1.VirtualService;
import io.lvsoperator.operator.render.Backend;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Folds what the VIP's director reports of its health checks into the real servers the operator
 * resolved: a real server that the director's checks fail is {@code Unhealthy}, not ready.
 */
final class RealServerHealthView {
  static final String UNHEALTHY = "Unhealthy";

  private RealServerHealthView() {}

  static List<Backend> apply(VirtualService vs, List<Backend> backends, Director owner) {
    if (owner == null || owner.getStatus() == null || owner.getStatus().getServices() == null) {
      return backends;
    }
    String name = vs.getMetadata().getNamespace() + "/" + vs.getMetadata().getName();
    Set<String> unhealthy = new HashSet<>();
    for (ServiceHealth svc : owner.getStatus().getServices()) {
      if (!name.equals(svc.name()) || svc.realServers() == null) {
        continue;
      }
      for (RealServerHealth r : svc.realServers()) {
        if (Boolean.FALSE.equals(r.healthy())) {
          unhealthy.add(r.address());
        }
      }
    }
    if (unhealthy.isEmpty()) {
      return backends;
    }
    return backends.stream().map(b -> b.ready() && unhealthy.contains(b.address())
        ? new Backend(b.address(), b.port(), b.weight(), UNHEALTHY) : b).toList();
  }
}
