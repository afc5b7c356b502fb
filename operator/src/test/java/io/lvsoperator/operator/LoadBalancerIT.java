package io.lvsoperator.operator;

import static io.lvsoperator.operator.testsupport.MockCluster.assertCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.lvsoperator.api.v1alpha1.ForwardingMode;
import io.lvsoperator.api.v1alpha1.FullNatSource;
import io.lvsoperator.api.v1alpha1.RealServerSpec;
import io.lvsoperator.api.v1alpha1.SchedulerName;
import io.lvsoperator.api.v1alpha1.ServiceSpec;
import io.lvsoperator.api.v1alpha1.SharedConfig;
import io.lvsoperator.api.v1alpha1.VipPool;
import io.lvsoperator.api.v1alpha1.VipPoolSpec;
import io.lvsoperator.api.v1alpha1.VirtualService;
import io.lvsoperator.operator.loadbalancer.LoadBalancers;
import io.lvsoperator.operator.testsupport.MockCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue 14, Services of type LoadBalancer: the real operator against fabric8's mock API server. */
@Timeout(120)
class LoadBalancerIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private MockCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private void start(boolean defaultLoadBalancer) throws Exception {
    cluster = new MockCluster(SharedConfig.DEFAULT_MAX_PART_BYTES, defaultLoadBalancer);
    cluster.dataplane("node-a");
  }

  private void pool(String... addresses) {
    VipPoolSpec spec = new VipPoolSpec();
    spec.setAddresses(List.of(addresses));
    VipPool p = new VipPool();
    p.setMetadata(new ObjectMetaBuilder().withName("lb").build());
    p.setSpec(spec);
    cluster.client().resources(VipPool.class).resource(p).create();
  }

  private static Service service(String name, String lbClass, Map<String, String> annotations) {
    return new ServiceBuilder().withNewMetadata().withName(name).withNamespace("default").withUid("uid-" + name)
        .withAnnotations(annotations).endMetadata()
        .withNewSpec().withType("LoadBalancer").withLoadBalancerClass(lbClass)
        .addNewPort().withName("http").withPort(80).withProtocol("TCP").withTargetPort(new IntOrString(8080)).endPort()
        .endSpec().build();
  }

  private Service create(Service s) {
    return cluster.client().services().inNamespace("default").resource(s).create();
  }

  private String ingressOf(String name) {
    Service s = cluster.client().services().inNamespace("default").withName(name).get();
    if (s == null || s.getStatus() == null || s.getStatus().getLoadBalancer() == null
        || s.getStatus().getLoadBalancer().getIngress() == null || s.getStatus().getLoadBalancer().getIngress().isEmpty()) {
      return null;
    }
    LoadBalancerIngress i = s.getStatus().getLoadBalancer().getIngress().get(0);
    assertThat(i.getIpMode()).isEqualTo("VIP");
    return i.getIp();
  }

  private List<String> eventsOf(String service) {
    return cluster.client().v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> "Service".equals(e.getInvolvedObject().getKind()) && service.equals(e.getInvolvedObject().getName()))
        .map((Event e) -> e.getType() + " " + e.getReason() + ": " + e.getMessage()).toList();
  }

  @Test
  void aServiceOfOurClassGetsAnAddressItsEndpointsAndEvents() throws Exception {
    start(false);
    pool("198.18.100.0/30");
    cluster.endpointSlice("default", "web", 8080, List.of("198.18.64.11", "198.18.64.12"), List.of());
    create(service("web", LoadBalancers.CLASS, Map.of()));
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(ingressOf("web")).isEqualTo("198.18.100.0");
      VirtualService made = cluster.get("default", "web-lb");
      assertCondition(made, "Accepted", "True", "Accepted");
      assertThat(made.getMetadata().getOwnerReferences()).singleElement()
          .satisfies(o -> assertThat(o.getName()).isEqualTo("web"));
      ServiceSpec svc = cluster.onlyService("node-a");
      assertThat(svc.vip()).isEqualTo("198.18.100.0");
      assertThat(svc.port()).isEqualTo(80);
      assertThat(svc.mode()).isEqualTo(ForwardingMode.FULLNAT);
      assertThat(svc.fullNatSource()).as("the default: replies follow the VIP").isEqualTo(FullNatSource.VIP);
      assertThat(svc.realServers()).extracting(RealServerSpec::address, RealServerSpec::port)
          .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("198.18.64.11", 8080),
              org.assertj.core.groups.Tuple.tuple("198.18.64.12", 8080));
      assertThat(eventsOf("web")).anySatisfy(e -> assertThat(e).startsWith("Normal VipAssigned: 198.18.100.0 from"
          + " VipPool lb serves it"));
    });
  }

  @Test
  void servicesOfAnotherClassOrNoClassAreLeftAloneUnlessThisIsTheDefault() throws Exception {
    start(false);
    pool("198.18.100.0/30");
    create(service("other", "example.com/other", Map.of()));
    create(service("none", null, Map.of()));
    create(service("ours", LoadBalancers.CLASS, Map.of()));
    await().atMost(WAIT).until(() -> ingressOf("ours") != null);
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).untilAsserted(() -> {
      assertThat(ingressOf("other")).isNull();
      assertThat(ingressOf("none")).isNull();
      assertThat(cluster.get("default", "none-lb")).isNull();
      assertThat(cluster.get("default", "other-lb")).isNull();
    });
    cluster.close();

    start(true);
    pool("198.18.100.0/30");
    create(service("other", "example.com/other", Map.of()));
    create(service("none", null, Map.of()));
    await().atMost(WAIT).until(() -> ingressOf("none") != null);
    assertThat(ingressOf("other")).isNull();
  }

  @Test
  void twoServicesAskingForOneAddressTheFirstKeepsItTheSecondIsTold() throws Exception {
    start(false);
    pool("198.18.100.0/29");
    create(service("first", LoadBalancers.CLASS, Map.of(LoadBalancers.VIP, "198.18.100.5")));
    await().atMost(WAIT).until(() -> "198.18.100.5".equals(ingressOf("first")));
    Service second = service("second", LoadBalancers.CLASS, Map.of());
    second.getSpec().setLoadBalancerIP("198.18.100.5");
    create(second);
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(eventsOf("second")).anySatisfy(e -> assertThat(e).startsWith("Warning Conflict: ")
          .contains("198.18.100.5:80/TCP is already served by VirtualService default/first-lb"));
      assertThat(ingressOf("second")).isNull();
    });
    // an address outside every pool is not allowed either
    create(service("outside", LoadBalancers.CLASS, Map.of(LoadBalancers.VIP, "198.18.9.9")));
    await().atMost(WAIT).untilAsserted(() -> assertThat(eventsOf("outside"))
        .anySatisfy(e -> assertThat(e).startsWith("Warning VipNotAllowed: 198.18.9.9 lies in no VipPool")));
  }

  @Test
  void deletingAServiceFreesItsAddressForTheOneWaiting() throws Exception {
    start(false);
    pool("198.18.100.7");
    create(service("a", LoadBalancers.CLASS, Map.of()));
    await().atMost(WAIT).until(() -> "198.18.100.7".equals(ingressOf("a")));
    create(service("b", LoadBalancers.CLASS, Map.of()));
    await().atMost(WAIT).untilAsserted(() -> assertThat(eventsOf("b"))
        .anySatisfy(e -> assertThat(e).startsWith("Warning PoolExhausted: every address of VipPool lb is in use")));
    cluster.client().services().inNamespace("default").withName("a").delete();
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(cluster.get("default", "a-lb")).isNull();
      assertThat(ingressOf("b")).isEqualTo("198.18.100.7");
    });
  }

  @Test
  void annotationsChooseModeAndSchedulerAndATypeChangeWithdrawsTheAddress() throws Exception {
    start(false);
    pool("198.18.100.0/30");
    Service s = service("web", LoadBalancers.CLASS, Map.of(LoadBalancers.MODE, "DR", LoadBalancers.SCHEDULER, "mh",
        LoadBalancers.HEALTH_CHECK, "tcp"));
    s.getSpec().getPorts().get(0).setTargetPort(new IntOrString("http"));
    create(s);
    cluster.endpointSlice("default", "web", 80, List.of("198.18.64.11"), List.of());
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(ingressOf("web")).isNotNull();
      ServiceSpec svc = cluster.onlyService("node-a");
      assertThat(svc.mode()).isEqualTo(ForwardingMode.DR);
      assertThat(svc.scheduler()).isEqualTo(SchedulerName.MH);
      assertThat(svc.healthCheck().type()).isEqualTo("tcp");
    });
    // a bad annotation is told, and what runs stays
    cluster.client().services().inNamespace("default").withName("web").edit(x -> {
      x.getMetadata().getAnnotations().put(LoadBalancers.MODE, "FAST");
      return x;
    });
    await().atMost(WAIT).untilAsserted(() -> assertThat(eventsOf("web")).anySatisfy(e -> assertThat(e)
        .startsWith("Warning InvalidSpec: lvsoperator.io/mode: \"FAST\" is not FULLNAT, NAT, DR or TUN")));
    assertThat(cluster.config("node-a").services()).singleElement()
        .satisfies(svc -> assertThat(svc.mode()).isEqualTo(ForwardingMode.DR));
    // full-NAT from the node's address, for real servers that cannot reach the VIP
    cluster.client().services().inNamespace("default").withName("web").edit(x -> {
      x.getMetadata().getAnnotations().put(LoadBalancers.MODE, "fullnat");
      x.getMetadata().getAnnotations().put(LoadBalancers.FULLNAT_SOURCE, "node");
      return x;
    });
    await().atMost(WAIT).untilAsserted(() -> assertThat(cluster.config("node-a").services()).singleElement()
        .satisfies(svc -> assertThat(svc.fullNatSource()).isEqualTo(FullNatSource.NODE)));
    // no longer a load balancer: the VirtualService and the address go
    cluster.client().services().inNamespace("default").withName("web").edit(x -> {
      x.getSpec().setType("ClusterIP");
      x.getSpec().setLoadBalancerClass(null);
      return x;
    });
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(cluster.get("default", "web-lb")).isNull();
      assertThat(ingressOf("web")).isNull();
      assertThat(cluster.config("node-a").services()).isEmpty();
    });
  }
}
