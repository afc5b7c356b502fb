package io.lvsoperator.operator.render;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.lvsoperator.api.v1alpha1.RealServerSpec;
import io.lvsoperator.api.v1alpha1.ServiceBackend;
import io.lvsoperator.api.v1alpha1.VirtualServiceSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The real servers of a VirtualService: its static list, or the IPv4 endpoints of its Service's
 * EndpointSlices. Ready endpoints get weight 1; terminating ones that still serve get weight 0,
 * so their open connections drain while no new ones arrive; others are left out.
 */
public final class BackendResolver {
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  private BackendResolver() {}

  public static List<Backend> resolve(VirtualServiceSpec spec, Collection<EndpointSlice> slicesOfService) {
    if (spec.getRealServers() != null) {
      List<Backend> out = new ArrayList<>();
      for (RealServerSpec r : spec.getRealServers()) {
        out.add(new Backend(r.address(), r.port(), r.weight(), Backend.READY));
      }
      return out;
    }
    Map<String, Backend> byAddress = new LinkedHashMap<>();
    ServiceBackend ref = spec.getService();
    for (EndpointSlice slice : slicesOfService) {
      if (!"IPv4".equals(slice.getAddressType())) {
        continue;
      }
      Integer port = port(slice.getPorts(), ref.port());
      for (Endpoint e : slice.getEndpoints()) {
        boolean ready = e.getConditions() == null || !Boolean.FALSE.equals(e.getConditions().getReady());
        boolean terminatingButServing = e.getConditions() != null
            && Boolean.TRUE.equals(e.getConditions().getTerminating())
            && !Boolean.FALSE.equals(e.getConditions().getServing());
        if (!ready && !terminatingButServing) {
          continue;
        }
        for (String address : e.getAddresses()) {
          Backend b = ready ? new Backend(address, port, 1, Backend.READY) : new Backend(address, port, 0, Backend.TERMINATING);
          byAddress.merge(address + ":" + port, b, (old, neu) -> old.ready() ? old : neu);
        }
      }
    }
    return new ArrayList<>(byAddress.values());
  }

  /** The slice port the reference names (by name or number), else the first; null if none. */
  private static Integer port(List<EndpointPort> ports, String wanted) {
    if (ports == null || ports.isEmpty()) {
      return null;
    }
    for (EndpointPort p : ports) {
      if (wanted == null || wanted.equals(p.getName()) || wanted.equals(String.valueOf(p.getPort()))) {
        return p.getPort();
      }
    }
    return null;
  }
}
