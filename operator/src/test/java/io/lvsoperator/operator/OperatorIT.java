package io.lvsoperator.operator;

import static io.lvsoperator.operator.testsupport.MockCluster.assertCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.lvsoperator.api.v1alpha1.Director;
import io.lvsoperator.api.v1alpha1.ForwardingMode;
import io.lvsoperator.api.v1alpha1.PortSpec;
import io.lvsoperator.api.v1alpha1.Protocol;
import io.lvsoperator.api.v1alpha1.RealServerHealth;
import io.lvsoperator.api.v1alpha1.RealServerSpec;
import io.lvsoperator.api.v1alpha1.ServiceHealth;
import io.lvsoperator.api.v1alpha1.SchedulerName;
import io.lvsoperator.api.v1alpha1.ServiceBackend;
import io.lvsoperator.api.v1alpha1.ServiceSpec;
import io.lvsoperator.api.v1alpha1.VirtualService;
import io.lvsoperator.api.v1alpha1.VirtualServiceSpec;
import io.lvsoperator.operator.testsupport.MockCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The real operator against fabric8's mock API server in CRUD mode. */
@Timeout(90)
class OperatorIT {
  private MockCluster cluster;

  @BeforeEach
  void start() throws Exception {
    cluster = new MockCluster();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  static VirtualService staticService(String name, String vip, ForwardingMode mode, String... reals) {
    VirtualServiceSpec spec = new VirtualServiceSpec();
    spec.setVip(vip);
    spec.setPorts(List.of(new PortSpec(80, Protocol.TCP, null)));
    spec.setMode(mode);
    spec.setScheduler(SchedulerName.WRR);
    spec.setRealServers(List.of(reals).stream().map(a -> new RealServerSpec(a, null, 1)).toList());
    VirtualService vs = new VirtualService();
    vs.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("default").build());
    vs.setSpec(spec);
    return vs;
  }

  /** The director in the VirtualService's status; null while no status was written yet. */
  String directorOf(String name) {
    VirtualService vs = cluster.get("default", name);
    return vs == null || vs.getStatus() == null ? null : vs.getStatus().getDirector();
  }

  VirtualService create(VirtualService vs) {
    return cluster.client().resources(VirtualService.class).inNamespace("default").resource(vs).create();
  }

  private static Duration wait = Duration.ofSeconds(20);

  @Test
  void staticVirtualServiceBecomesDirectorConfigurationAndReady() {
    cluster.dataplanePod("node-a", true);
    cluster.dataplanePod("node-b", true);
    create(staticService("web", "198.18.0.100", ForwardingMode.DR, "198.18.0.11", "198.18.0.12"));

    await().atMost(wait).untilAsserted(() -> {
      Director a = cluster.director("node-a");
      Director b = cluster.director("node-b");
      assertThat(a).isNotNull();
      assertThat(b).isNotNull();
      // every director has the service; exactly one announces the VIP
      for (Director d : List.of(a, b)) {
        assertThat(d.getSpec().services()).extracting(ServiceSpec::name).containsExactly("default/web");
        assertThat(d.getSpec().interfaceName()).isEqualTo("eth0");
      }
      assertThat(a.getSpec().vips()).containsExactly("198.18.0.100");
      assertThat(b.getSpec().vips()).isEmpty();
      ServiceSpec svc = a.getSpec().services().get(0);
      assertThat(svc.mode()).isEqualTo(ForwardingMode.DR);
      assertThat(svc.scheduler()).isEqualTo(SchedulerName.WRR);
      assertThat(svc.realServers()).extracting(RealServerSpec::address).containsExactly("198.18.0.11", "198.18.0.12");
      VirtualService vs = cluster.get("default", "web");
      assertCondition(vs, "Accepted", "True", "Accepted");
      assertCondition(vs, "Programmed", "False", "Pending");
      assertThat(vs.getStatus().getDirector()).isEqualTo("node-a");
      assertThat(vs.getStatus().getReady()).isEqualTo("2/2");
      assertThat(vs.getStatus().getPorts()).isEqualTo("80/TCP");
    });

    cluster.dataplanePod("node-b", true);
    cluster.dataplaneApplied("node-a", true);
    cluster.dataplaneApplied("node-b", true);
    await().atMost(wait).untilAsserted(() -> {
      VirtualService vs = cluster.get("default", "web");
      assertCondition(vs, "Programmed", "True", "Programmed");
      assertCondition(vs, "Ready", "True", "Ready");
    });

    // the VIP's director reports a real server failing its health checks
    cluster.dataplaneApplied("node-a", true, List.of(new ServiceHealth("default/web", "198.18.0.100", 80, "TCP",
        List.of(new RealServerHealth("198.18.0.11", 80, true, 3, 0), new RealServerHealth("198.18.0.12", 80, false, 0, 0)))));
    await().atMost(wait).untilAsserted(() -> {
      VirtualService vs = cluster.get("default", "web");
      assertThat(vs.getStatus().getReady()).isEqualTo("1/2");
      assertThat(vs.getStatus().getRealServers()).extracting(r -> r.address() + " " + r.state())
          .containsExactly("198.18.0.11 Ready", "198.18.0.12 Unhealthy");
      assertCondition(vs, "Ready", "True", "Ready");
      assertThat(cluster.client().v1().events().inNamespace("default").list().getItems())
          .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("RealServerUnhealthy"));
    });
    // and both failing: no ready real server
    cluster.dataplaneApplied("node-a", true, List.of(new ServiceHealth("default/web", "198.18.0.100", 80, "TCP",
        List.of(new RealServerHealth("198.18.0.11", 80, false, 0, 0), new RealServerHealth("198.18.0.12", 80, false, 0, 0)))));
    await().atMost(wait).untilAsserted(() -> assertCondition(cluster.get("default", "web"), "Ready", "False", "NoBackends"));
  }

  @Test
  void endpointSlicesGiveRealServersAndTerminatingOnesDrain() {
    cluster.dataplanePod("node-a", true);
    VirtualServiceSpec spec = new VirtualServiceSpec();
    spec.setVip("198.18.0.101");
    spec.setPorts(List.of(new PortSpec(80, Protocol.TCP, null)));
    spec.setMode(ForwardingMode.NAT);
    spec.setService(new ServiceBackend("web", "http"));
    VirtualService vs = new VirtualService();
    vs.setMetadata(new ObjectMetaBuilder().withName("from-service").withNamespace("default").build());
    vs.setSpec(spec);
    create(vs);
    cluster.endpointSlice("default", "web", 8080, List.of("10.244.0.5", "10.244.1.7"), List.of("10.244.2.9"));

    await().atMost(wait).untilAsserted(() -> {
      ServiceSpec svc = cluster.director("node-a").getSpec().services().get(0);
      Map<String, Integer> weights = svc.realServers().stream()
          .collect(Collectors.toMap(RealServerSpec::address, RealServerSpec::weight));
      assertThat(weights).containsExactlyInAnyOrderEntriesOf(
          Map.of("10.244.0.5", 1, "10.244.1.7", 1, "10.244.2.9", 0));
      assertThat(svc.realServers()).allSatisfy(r -> assertThat(r.port()).isEqualTo(8080));
      VirtualService fromService = cluster.get("default", "from-service");
      assertThat(fromService.getStatus()).isNotNull();
      assertThat(fromService.getStatus().getReady()).isEqualTo("2/3");
    });

    // an endpoint goes away: the director follows
    cluster.endpointSlice("default", "web", 8080, List.of("10.244.0.5"), List.of());
    await().atMost(wait).untilAsserted(() -> assertThat(
        cluster.director("node-a").getSpec().services().get(0).realServers())
        .extracting(RealServerSpec::address).containsExactly("10.244.0.5"));
  }

  @Test
  void theOlderVirtualServiceKeepsAContestedVipPort() {
    cluster.dataplanePod("node-a", true);
    create(staticService("first", "198.18.0.102", ForwardingMode.DR, "198.18.0.11"));
    await().atMost(wait).untilAsserted(() -> assertCondition(cluster.get("default", "first"), "Accepted", "True", null));
    create(staticService("second", "198.18.0.102", ForwardingMode.NAT, "198.18.0.12"));
    await().atMost(wait).untilAsserted(() -> {
      assertCondition(cluster.get("default", "second"), "Accepted", "False", "Conflict");
      assertCondition(cluster.get("default", "first"), "Accepted", "True", "Accepted");
      assertThat(cluster.director("node-a").getSpec().services()).extracting(ServiceSpec::name)
          .containsExactly("default/first");
      List<Event> events = cluster.client().v1().events().inNamespace("default").list().getItems();
      assertThat(events).anySatisfy(e -> {
        assertThat(e.getReason()).isEqualTo("Conflict");
        assertThat(e.getInvolvedObject().getName()).isEqualTo("second");
      });
    });
  }

  /** An edit of an older VirtualService onto an address another one serves does not take it over. */
  @Test
  void anEditNeverTakesOverAVipPortAnotherVirtualServiceHolds() {
    cluster.dataplanePod("node-a", true);
    create(staticService("old", "198.18.0.110", ForwardingMode.DR, "198.18.0.11"));
    await().atMost(wait).untilAsserted(() -> assertCondition(cluster.get("default", "old"), "Accepted", "True", null));
    create(staticService("holder", "198.18.0.111", ForwardingMode.DR, "198.18.0.12"));
    await().atMost(wait).untilAsserted(() -> {
      VirtualService holder = cluster.get("default", "holder");
      assertCondition(holder, "Accepted", "True", null);
      assertThat(holder.getStatus().getClaims()).containsExactly("198.18.0.111:80/TCP");
    });

    VirtualService old = cluster.get("default", "old");
    old.getSpec().setVip("198.18.0.111");
    cluster.client().resources(VirtualService.class).inNamespace("default").resource(old).update();
    await().atMost(wait).untilAsserted(() -> {
      assertCondition(cluster.get("default", "old"), "Accepted", "False", "Conflict");
      assertCondition(cluster.get("default", "holder"), "Accepted", "True", "Accepted");
      assertThat(cluster.director("node-a").getSpec().services()).extracting(ServiceSpec::name)
          .containsExactly("default/holder");
    });
  }

  /** A typo in the holder's VIP does not hand its address to the next VirtualService that asks. */
  @Test
  void anInvalidEditKeepsTheClaimsItHeld() {
    cluster.dataplanePod("node-a", true);
    create(staticService("holder", "198.18.0.120", ForwardingMode.DR, "198.18.0.11"));
    await().atMost(wait).untilAsserted(() -> assertCondition(cluster.get("default", "holder"), "Accepted", "True", null));
    VirtualService holder = cluster.get("default", "holder");
    holder.getSpec().setVip("198.18.0.1200");
    cluster.client().resources(VirtualService.class).inNamespace("default").resource(holder).update();
    await().atMost(wait).untilAsserted(() ->
        assertCondition(cluster.get("default", "holder"), "Accepted", "False", "InvalidSpec"));
    create(staticService("newcomer", "198.18.0.120", ForwardingMode.DR, "198.18.0.12"));
    await().atMost(wait).untilAsserted(() ->
        assertCondition(cluster.get("default", "newcomer"), "Accepted", "False", "Conflict"));
  }

  /**
   * Addresses of the cluster itself are refused: a node's own address as VIP, a real server in
   * the reserved Service range or at the metadata service, with a condition naming the field.
   */
  @Test
  void theClustersOwnAddressesAreRefused() {
    cluster.dataplanePod("node-a", true);
    cluster.client().nodes().resource(new NodeBuilder().withNewMetadata().withName("node-a").endMetadata()
        .withNewSpec().withPodCIDRs("10.244.1.0/24").endSpec()
        .withNewStatus().addNewAddress().withType("InternalIP").withAddress("198.18.0.5").endAddress().endStatus()
        .build()).create();
    create(staticService("on-node", "198.18.0.5", ForwardingMode.DR, "198.18.0.11"));
    create(staticService("to-services", "198.18.0.112", ForwardingMode.DR, "10.96.0.1"));
    create(staticService("to-pods", "198.18.0.113", ForwardingMode.DR, "10.244.1.7"));
    create(staticService("to-metadata", "198.18.0.114", ForwardingMode.DR, "169.254.169.254"));
    create(staticService("fine", "198.18.0.115", ForwardingMode.DR, "198.18.0.11"));
    await().atMost(wait).untilAsserted(() -> {
      assertMessage("on-node", "spec.vip: 198.18.0.5 is the address of node node-a");
      assertMessage("to-services", "spec.realServers[0].address: 10.96.0.1 is inside the reserved range 10.96.0.0/12");
      assertMessage("to-pods", "spec.realServers[0].address: 10.244.1.7 is inside the pod range 10.244.1.0/24 of"
          + " node node-a");
      assertMessage("to-metadata", "spec.realServers[0].address: 169.254.169.254 is a link-local address");
      assertCondition(cluster.get("default", "fine"), "Accepted", "True", "Accepted");
      assertThat(cluster.director("node-a").getSpec().services()).extracting(ServiceSpec::name)
          .containsExactly("default/fine");
    });
  }

  private void assertMessage(String name, String message) {
    VirtualService vs = cluster.get("default", name);
    assertCondition(vs, "Accepted", "False", "InvalidSpec");
    assertThat(vs.getStatus().getConditions().get(0).getMessage()).contains(message);
  }

  /** A pod with the dataplane's labels in a tenant's namespace does not make its node a director. */
  @Test
  void onlyPodsOfTheReleaseNamespaceAreDataplanes() {
    Pod impostor = new PodBuilder().withNewMetadata().withName("fake-dataplane").withNamespace("tenant")
        .addToLabels(MockCluster.SELECTOR_LABEL, MockCluster.SELECTOR_VALUE).endMetadata()
        .withNewSpec().withNodeName("node-x").endSpec()
        .withNewStatus().addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build();
    cluster.client().pods().inNamespace("tenant").resource(impostor).create();
    cluster.dataplanePod("node-a", true);
    create(staticService("web", "198.18.0.116", ForwardingMode.DR, "198.18.0.11"));
    await().atMost(wait).untilAsserted(() -> {
      assertCondition(cluster.get("default", "web"), "Ready", "False", null);
      assertThat(cluster.director("node-a")).isNotNull();
      assertThat(cluster.client().resources(Director.class).list().getItems())
          .extracting(d -> d.getMetadata().getName()).containsExactly("node-a");
    });
  }

  /** One VirtualService too big for its share of the configuration is refused; the others go on. */
  @Test
  void anOversizedVirtualServiceIsRefusedAndTheOthersAreProgrammed() {
    cluster.dataplanePod("node-a", true);
    VirtualService huge = staticService("huge", "198.18.0.117", ForwardingMode.DR, "198.18.0.11");
    huge.getSpec().setPorts(java.util.stream.IntStream.range(1, 65).mapToObj(p -> new PortSpec(p, Protocol.TCP, null))
        .toList());
    huge.getSpec().setRealServers(java.util.stream.IntStream.range(0, 1000)
        .mapToObj(i -> new RealServerSpec("198.19." + (i / 250) + "." + (1 + i % 250), null, 1)).toList());
    create(huge);
    create(staticService("small", "198.18.0.118", ForwardingMode.DR, "198.18.0.11"));
    await().atMost(wait).untilAsserted(() -> {
      assertMessage("huge", "bytes one VirtualService may use");
      assertCondition(cluster.get("default", "small"), "Accepted", "True", "Accepted");
      assertThat(cluster.director("node-a").getSpec().services()).extracting(ServiceSpec::name)
          .containsExactly("default/small");
    });
  }

  @Test
  void anInvalidVirtualServiceIsReportedAndDoesNotStopTheOthers() {
    cluster.dataplanePod("node-a", true);
    create(staticService("bad", "198.18.0.999", ForwardingMode.DR, "198.18.0.11"));
    create(staticService("good", "198.18.0.103", ForwardingMode.DR, "198.18.0.11"));
    await().atMost(wait).untilAsserted(() -> {
      VirtualService bad = cluster.get("default", "bad");
      assertCondition(bad, "Accepted", "False", "InvalidSpec");
      assertThat(bad.getStatus().getConditions().get(0).getMessage()).contains("spec.vip");
      assertCondition(cluster.get("default", "good"), "Accepted", "True", "Accepted");
      assertThat(cluster.director("node-a").getSpec().services()).extracting(ServiceSpec::name)
          .containsExactly("default/good");
    });
  }

  @Test
  void vipMovesWhenItsDirectorGoesAwayAndDirectorsFollowThePods() {
    cluster.dataplanePod("node-a", true);
    cluster.dataplanePod("node-b", true);
    create(staticService("web", "198.18.0.104", ForwardingMode.TUN, "198.18.0.11"));
    await().atMost(wait).untilAsserted(() ->
        assertThat(directorOf("web")).isEqualTo("node-a"));
    // a second VIP spreads to the other director
    create(staticService("api", "198.18.0.105", ForwardingMode.TUN, "198.18.0.12"));
    await().atMost(wait).untilAsserted(() ->
        assertThat(directorOf("api")).isEqualTo("node-b"));

    cluster.dataplanePod("node-a", false);
    await().atMost(wait).untilAsserted(() -> {
      assertThat(directorOf("web")).isEqualTo("node-b");
      assertThat(cluster.director("node-b").getSpec().vips()).containsExactlyInAnyOrder("198.18.0.104", "198.18.0.105");
      assertThat(cluster.director("node-a").getSpec().vips()).isEmpty();
    });
    cluster.removeDataplanePod("node-a");
    await().atMost(wait).untilAsserted(() -> assertThat(cluster.director("node-a")).isNull());
    // the VIP does not move back when node-a returns: assignments are stable
    cluster.dataplanePod("node-a", true);
    await().atMost(wait).untilAsserted(() -> assertThat(cluster.director("node-a")).isNotNull());
    assertThat(directorOf("web")).isEqualTo("node-b");
  }

  @Test
  void nothingIsWrittenWhenNothingChangedAndDeletionRemovesTheService() throws Exception {
    cluster.dataplanePod("node-a", true);
    create(staticService("web", "198.18.0.106", ForwardingMode.DR, "198.18.0.11"));
    await().atMost(wait).untilAsserted(() -> assertThat(cluster.director("node-a")).isNotNull());
    await().atMost(wait).untilAsserted(() -> assertCondition(cluster.get("default", "web"), "Accepted", "True", null));
    // settled: two looks half a second apart see the same versions
    String[] seen = new String[2];
    await().atMost(wait).pollInterval(Duration.ofMillis(500)).until(() -> {
      String d = cluster.director("node-a").getMetadata().getResourceVersion();
      String v = cluster.get("default", "web").getMetadata().getResourceVersion();
      boolean same = d.equals(seen[0]) && v.equals(seen[1]);
      seen[0] = d;
      seen[1] = v;
      return same;
    });
    String directorVersion = seen[0];
    String statusVersion = seen[1];
    // a change that triggers reconciles but no new configuration: a label on the pod
    cluster.client().pods().inNamespace("lvs-system").withName("dataplane-node-a")
        .edit(p -> { p.getMetadata().getLabels().put("touched", "yes"); return p; });
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(cluster.director("node-a").getMetadata().getResourceVersion()).isEqualTo(directorVersion);
      assertThat(cluster.get("default", "web").getMetadata().getResourceVersion()).isEqualTo(statusVersion);
    });

    cluster.client().resources(VirtualService.class).inNamespace("default").withName("web").delete();
    await().atMost(wait).untilAsserted(() -> {
      assertThat(cluster.director("node-a").getSpec().services()).isEmpty();
      assertThat(cluster.director("node-a").getSpec().vips()).isEmpty();
    });
  }

  @Test
  void aLargeConfigurationIsSplitIntoPartsOfOneGeneration() throws Exception {
    cluster.close();
    cluster = new MockCluster(2);
    cluster.dataplanePod("node-a", true);
    for (int i = 0; i < 5; i++) {
      create(staticService("svc-" + i, "198.18.1." + (10 + i), ForwardingMode.DR, "198.18.0.11"));
    }
    await().atMost(wait).untilAsserted(() -> {
      List<Director> parts = cluster.client().resources(Director.class)
          .withLabel("lvsoperator.io/node", "node-a").list().getItems();
      assertThat(parts).extracting(d -> d.getMetadata().getName())
          .containsExactlyInAnyOrder("node-a", "node-a-shard-1", "node-a-shard-2");
      assertThat(parts).extracting(d -> d.getSpec().generation()).containsOnly(parts.get(0).getSpec().generation());
      assertThat(parts).allSatisfy(d -> assertThat(d.getSpec().shard().count()).isEqualTo(3));
      assertThat(parts.stream().flatMap(d -> d.getSpec().services().stream()).map(ServiceSpec::name))
          .containsExactlyInAnyOrder("default/svc-0", "default/svc-1", "default/svc-2", "default/svc-3", "default/svc-4");
      assertThat(parts).allSatisfy(d -> assertThat(d.getSpec().vips()).hasSize(5));
    });
    for (int i = 0; i < 4; i++) {
      cluster.client().resources(VirtualService.class).inNamespace("default").withName("svc-" + i).delete();
    }
    await().atMost(wait).untilAsserted(() -> {
      List<Director> parts = cluster.client().resources(Director.class)
          .withLabel("lvsoperator.io/node", "node-a").list().getItems();
      assertThat(parts).singleElement().satisfies(d -> {
        assertThat(d.getMetadata().getName()).isEqualTo("node-a");
        assertThat(d.getSpec().shard()).isNull();
        assertThat(d.getSpec().services()).extracting(ServiceSpec::name).containsExactly("default/svc-4");
      });
    });
  }

  @Test
  void metricsAndProbesAreServed() throws Exception {
    int port = cluster.operator().httpAddress().getPort();
    var http = java.net.http.HttpClient.newHttpClient();
    var metrics = http.send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.statusCode()).isEqualTo(200);
    // Prometheus 3 refuses a scrape without a Content-Type
    assertThat(metrics.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    // clients holding half-sent requests (more than the pool has threads) do not delay a probe
    List<java.net.Socket> halfSent = new ArrayList<>();
    try {
      for (int i = 0; i < 24; i++) {
        java.net.Socket s = new java.net.Socket("127.0.0.1", port);
        s.getOutputStream().write('G');
        halfSent.add(s);
      }
      var probe = http.send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + port + "/healthz")).timeout(Duration.ofSeconds(2)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(probe.statusCode()).isEqualTo(200);
    } finally {
      for (java.net.Socket s : halfSent) {
        s.close();
      }
    }
    var ready = http.send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + port + "/readyz")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(ready.statusCode()).isEqualTo(200);
    cluster.dataplanePod("node-a", true);
    create(staticService("web", "198.18.0.107", ForwardingMode.DR, "198.18.0.11"));
    await().atMost(wait).untilAsserted(() -> assertThat(http.send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body())
        .contains("operator_sdk")
        .contains("lvs_operator_virtualservices{condition=\"Ready\",status=\"False\"} 1.0")
        .contains("lvs_operator_directors{state=\"ready\"} 1.0"));
  }
}
