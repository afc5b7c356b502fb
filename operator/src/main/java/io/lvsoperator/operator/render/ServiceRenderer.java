package io.lvsoperator.operator.render;

import io.lvsoperator.api.v1alpha1.ForwardingMode;
import io.lvsoperator.api.v1alpha1.PortSpec;
import io.lvsoperator.api.v1alpha1.Protocol;
import io.lvsoperator.api.v1alpha1.RealServerSpec;
import io.lvsoperator.api.v1alpha1.ServiceSpec;
import io.lvsoperator.api.v1alpha1.VirtualServiceSpec;
import java.util.ArrayList;
import java.util.List;

/** One VirtualService as the dataplane services it becomes, one per port. Pure. */
public final class ServiceRenderer {
  private ServiceRenderer() {}

  public static List<ServiceSpec> render(String name, VirtualServiceSpec spec, List<Backend> backends) {
    ForwardingMode mode = spec.effectiveMode();
    Integer persistence = spec.getPersistence() == null ? null : spec.getPersistence().timeoutSeconds();
    List<ServiceSpec> out = new ArrayList<>();
    for (PortSpec p : spec.getPorts()) {
      List<RealServerSpec> reals = new ArrayList<>();
      for (Backend b : backends) {
        // DR and TUN cannot change the port: the real server answers on the VIP's
        Integer port = mode.translates() ? (p.targetPort() != null ? p.targetPort() : b.port()) : null;
        reals.add(new RealServerSpec(b.address(), port, b.weight()));
      }
      out.add(new ServiceSpec(name, spec.getVip(), p.port(), p.protocol() == null ? Protocol.TCP : p.protocol(), mode,
          spec.getFullNatSource(), spec.getScheduler(), persistence, spec.getHealthCheck(), reals));
    }
    return out;
  }
}
