package io.lvsoperator.operator.loadbalancer;

import io.fabric8.kubernetes.api.model.Service;

/**
 * Which Services of type LoadBalancer this operator serves, and the names it gives what it makes
 * for them (docs/architecture.md, "Services of type LoadBalancer").
 */
public final class LoadBalancers {
  /** {@code spec.loadBalancerClass} of the Services served. */
  public static final String CLASS = "lvsoperator.io/lvs";
  public static final String PREFIX = "lvsoperator.io/";
  /** The address asked for; {@code spec.loadBalancerIP} (deprecated by Kubernetes) works too. */
  public static final String VIP = PREFIX + "vip";
  public static final String MODE = PREFIX + "mode";
  public static final String FULLNAT_SOURCE = PREFIX + "fullnat-source";
  public static final String SCHEDULER = PREFIX + "scheduler";
  public static final String PERSISTENCE = PREFIX + "persistence-timeout";
  public static final String HEALTH_CHECK = PREFIX + "health-check";
  public static final String HEALTH_CHECK_PATH = PREFIX + "health-check-path";
  /** On the VirtualService made for a Service: the Service's name. */
  public static final String SERVICE_LABEL = PREFIX + "load-balancer-for";

  private LoadBalancers() {}

  /** Type LoadBalancer, and our class (or no class while this operator is the cluster's default). */
  public static boolean served(Service s, boolean defaultClass) {
    if (s.getSpec() == null || !"LoadBalancer".equals(s.getSpec().getType())) {
      return false;
    }
    String cls = s.getSpec().getLoadBalancerClass();
    return CLASS.equals(cls) || (cls == null && defaultClass);
  }

  /** The VirtualService made for Service {@code name}: {@code <name>-lb}. */
  public static String virtualServiceName(String service) {
    return service + "-lb";
  }
}
