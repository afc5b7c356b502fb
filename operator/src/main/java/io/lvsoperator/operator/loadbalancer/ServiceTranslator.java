package io.lvsoperator.operator.loadbalancer;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.lvsoperator.api.v1alpha1.ForwardingMode;
import io.lvsoperator.api.v1alpha1.FullNatSource;
import io.lvsoperator.api.v1alpha1.HealthCheckSpec;
import io.lvsoperator.api.v1alpha1.PersistenceSpec;
import io.lvsoperator.api.v1alpha1.PortSpec;
import io.lvsoperator.api.v1alpha1.Protocol;
import io.lvsoperator.api.v1alpha1.SchedulerName;
import io.lvsoperator.api.v1alpha1.ServiceBackend;
import io.lvsoperator.api.v1alpha1.VirtualService;
import io.lvsoperator.api.v1alpha1.VirtualServiceSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Service of type LoadBalancer as the VirtualService that serves it (docs/architecture.md,
 * "Services of type LoadBalancer"): its ports, its endpoints as real servers, the address it asks
 * for, and mode, scheduler, persistence and health check from its annotations. Everything a
 * VirtualService gets (pools, claims, the directors' configuration, status) then follows from the
 * VirtualService, so a Service and a VirtualService contend for addresses by the same rules. Pure.
 */
public final class ServiceTranslator {
  /** Pods answer through their CNI, not through the director: only full-NAT brings replies back. */
  public static final ForwardingMode DEFAULT_MODE = ForwardingMode.FULLNAT;

  /** The VirtualService, or why there is none ({@code problems} non-empty). */
  public record Translation(VirtualService virtualService, List<String> problems) {}

  private ServiceTranslator() {}

  public static Translation translate(Service s, List<EndpointSlice> slices) {
    List<String> problems = new ArrayList<>();
    Map<String, String> a = s.getMetadata().getAnnotations() == null ? Map.of() : s.getMetadata().getAnnotations();
    ForwardingMode mode = DEFAULT_MODE;
    if (a.containsKey(LoadBalancers.MODE)) {
      try {
        mode = ForwardingMode.valueOf(a.get(LoadBalancers.MODE).trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        problems.add(LoadBalancers.MODE + ": \"" + a.get(LoadBalancers.MODE) + "\" is not FULLNAT, NAT, DR or TUN");
      }
    }
    FullNatSource source = null;
    if (a.containsKey(LoadBalancers.FULLNAT_SOURCE)) {
      try {
        source = FullNatSource.valueOf(a.get(LoadBalancers.FULLNAT_SOURCE).trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        problems.add(LoadBalancers.FULLNAT_SOURCE + ": \"" + a.get(LoadBalancers.FULLNAT_SOURCE) + "\" is not VIP or"
            + " NODE");
      }
    }
    SchedulerName scheduler = null;
    if (a.containsKey(LoadBalancers.SCHEDULER)) {
      try {
        scheduler = SchedulerName.of(a.get(LoadBalancers.SCHEDULER).trim());
      } catch (IllegalArgumentException e) {
        problems.add(LoadBalancers.SCHEDULER + ": " + e.getMessage());
      }
    }
    PersistenceSpec persistence = null;
    if (a.containsKey(LoadBalancers.PERSISTENCE)) {
      try {
        persistence = new PersistenceSpec(Integer.parseInt(a.get(LoadBalancers.PERSISTENCE).trim()));
      } catch (NumberFormatException e) {
        problems.add(LoadBalancers.PERSISTENCE + ": \"" + a.get(LoadBalancers.PERSISTENCE) + "\" is not a number of"
            + " seconds");
      }
    }
    HealthCheckSpec health = null;
    if (a.containsKey(LoadBalancers.HEALTH_CHECK)) {
      String type = a.get(LoadBalancers.HEALTH_CHECK).trim().toLowerCase(Locale.ROOT);
      if (!type.equals("tcp") && !type.equals("http") && !type.equals("none")) {
        problems.add(LoadBalancers.HEALTH_CHECK + ": \"" + type + "\" is not tcp, http or none");
      } else if (!type.equals("none")) {
        health = new HealthCheckSpec(type, a.get(LoadBalancers.HEALTH_CHECK_PATH), null, null, null, null, null);
      }
    }
    String vip = a.get(LoadBalancers.VIP);
    if (vip == null && s.getSpec().getLoadBalancerIP() != null && !s.getSpec().getLoadBalancerIP().isBlank()) {
      vip = s.getSpec().getLoadBalancerIP();
    }
    List<String> families = s.getSpec().getIpFamilies();
    if (families != null && !families.isEmpty() && !families.contains("IPv4")) {
      problems.add("spec.ipFamilies: " + families + "; only IPv4 is served");
    }
    List<PortSpec> ports = new ArrayList<>();
    List<ServicePort> servicePorts = s.getSpec().getPorts() == null ? List.of() : s.getSpec().getPorts();
    if (servicePorts.isEmpty()) {
      problems.add("spec.ports: the Service has no port");
    }
    for (int i = 0; i < servicePorts.size(); i++) {
      ServicePort p = servicePorts.get(i);
      String protocol = p.getProtocol() == null ? "TCP" : p.getProtocol();
      if (!protocol.equals("TCP") && !protocol.equals("UDP")) {
        problems.add("spec.ports[" + i + "].protocol: " + protocol + " is not served (TCP and UDP are)");
        continue;
      }
      Integer target = targetPort(p, slices);
      // DR and TUN cannot change the port: a target port that differs is refused by the
      // VirtualService's validation, named as the Service writes it
      Integer targetPort = target == null || (!mode.translates() && target.equals(p.getPort())) ? null : target;
      ports.add(new PortSpec(p.getPort(), Protocol.valueOf(protocol), targetPort));
    }
    if (!problems.isEmpty()) {
      return new Translation(null, problems);
    }
    VirtualServiceSpec spec = new VirtualServiceSpec();
    spec.setVip(vip == null ? null : vip.trim());
    spec.setPorts(ports);
    spec.setMode(mode);
    spec.setFullNatSource(source);
    spec.setScheduler(scheduler);
    spec.setPersistence(persistence);
    spec.setHealthCheck(health);
    spec.setService(new ServiceBackend(s.getMetadata().getName(), null));
    Map<String, String> labels = new HashMap<>(s.getMetadata().getLabels() == null ? Map.of()
        : s.getMetadata().getLabels());
    labels.put(LoadBalancers.SERVICE_LABEL, s.getMetadata().getName());
    VirtualService vs = new VirtualService();
    vs.setMetadata(new ObjectMetaBuilder().withName(LoadBalancers.virtualServiceName(s.getMetadata().getName()))
        .withNamespace(s.getMetadata().getNamespace()).withLabels(labels)
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("Service")
            .withName(s.getMetadata().getName()).withUid(s.getMetadata().getUid()).withController(true)
            .withBlockOwnerDeletion(false).build())
        .build());
    vs.setSpec(spec);
    return new Translation(vs, List.of());
  }

  /**
   * The port the endpoints listen on for Service port {@code p}: its numeric targetPort, or for a
   * named one the port the EndpointSlices give under the Service port's name; null when it is the
   * Service port itself or not known yet.
   */
  static Integer targetPort(ServicePort p, List<EndpointSlice> slices) {
    IntOrString t = p.getTargetPort();
    if (t == null) {
      return null;
    }
    if (t.getIntVal() != null) {
      return t.getIntVal();
    }
    String name = p.getName() == null ? "" : p.getName();
    for (EndpointSlice slice : slices) {
      if (slice.getPorts() == null) {
        continue;
      }
      for (EndpointPort ep : slice.getPorts()) {
        String epName = ep.getName() == null ? "" : ep.getName();
        if (epName.equals(name) && ep.getPort() != null) {
          return ep.getPort();
        }
      }
    }
    return null;
  }
}
