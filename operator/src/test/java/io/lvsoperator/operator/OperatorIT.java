package io.lvsoperator.operator;

import static io.lvsoperator.operator.testsupport.MockCluster.assertCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.lvsoperator.api.v1alpha1.AnnounceSpec;
import io.lvsoperator.api.v1alpha1.Director;
import io.lvsoperator.api.v1alpha1.DirectorLeases;
import io.lvsoperator.api.v1alpha1.ForwardingMode;
import io.lvsoperator.api.v1alpha1.PortSpec;
import io.lvsoperator.api.v1alpha1.Protocol;
import io.lvsoperator.api.v1alpha1.RealServerHealth;
import io.lvsoperator.api.v1alpha1.PeerSpec;
import io.lvsoperator.api.v1alpha1.RealServerSpec;
import io.lvsoperator.api.v1alpha1.ServiceHealth;
import io.lvsoperator.api.v1alpha1.SchedulerName;
import io.lvsoperator.api.v1alpha1.ServiceBackend;
import io.lvsoperator.api.v1alpha1.ServiceSpec;
import io.lvsoperator.api.v1alpha1.SharedConfig;
import io.lvsoperator.api.v1alpha1.VirtualService;
import io.lvsoperator.api.v1alpha1.VirtualServiceSpec;
import io.lvsoperator.operator.testsupport.FakeDataplane;
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
    FakeDataplane a = cluster.dataplane("node-a", false);
    FakeDataplane b = cluster.dataplane("node-b", false);
    await().atMost(wait).until(() -> cluster.director("node-a") != null && cluster.director("node-b") != null);
    create(staticService("web", "198.18.0.100", ForwardingMode.DR, "198.18.0.11", "198.18.0.12"));

    await().atMost(wait).untilAsserted(() -> {
      // every director has the service; exactly one announces the VIP
      for (String node : List.of("node-a", "node-b")) {
        assertThat(cluster.config(node).services()).extracting(ServiceSpec::name).containsExactly("default/web");
        assertThat(cluster.config(node).interfaceName()).isEqualTo("eth0");
      }
      assertThat(cluster.config("node-a").vips()).containsExactly("198.18.0.100");
      assertThat(cluster.config("node-b").vips()).isEmpty();
      ServiceSpec svc = cluster.onlyService("node-a");
      assertThat(svc.mode()).isEqualTo(ForwardingMode.DR);
      assertThat(svc.scheduler()).isEqualTo(SchedulerName.WRR);
      assertThat(svc.realServers()).extracting(RealServerSpec::address).containsExactly("198.18.0.11", "198.18.0.12");
      // the owner first, then its standby
      assertThat(cluster.parts()).flatExtracting(p -> p.getSpec().announce())
          .containsExactly(new AnnounceSpec("198.18.0.100", List.of("node-a", "node-b")));
      VirtualService vs = cluster.get("default", "web");
      assertCondition(vs, "Accepted", "True", "Accepted");
      assertCondition(vs, "Programmed", "False", "Pending");
      assertThat(vs.getStatus().getDirector()).isEqualTo("node-a");
      assertThat(vs.getStatus().getReady()).isEqualTo("2/2");
      assertThat(vs.getStatus().getPorts()).isEqualTo("80/TCP");
    });

    a.applying(true);
    b.applying(true);
    await().atMost(wait).untilAsserted(() -> {
      VirtualService vs = cluster.get("default", "web");
      assertCondition(vs, "Programmed", "True", "Programmed");
      assertCondition(vs, "Ready", "True", "Ready");
    });

    // the VIP's director reports a real server failing its health checks
    a.unhealthy(List.of(new ServiceHealth("default/web", "198.18.0.100", 80, "TCP",
        List.of(new RealServerHealth("198.18.0.12", null, false, null, null)))));
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
    a.unhealthy(List.of(new ServiceHealth("default/web", "198.18.0.100", 80, "TCP",
        List.of(new RealServerHealth("198.18.0.11", null, false, null, null),
            new RealServerHealth("198.18.0.12", null, false, null, null)))));
    await().atMost(wait).untilAsserted(() -> assertCondition(cluster.get("default", "web"), "Ready", "False", "NoBackends"));
  }

  /**
   * A Director the operator cannot decode (a broken or foreign writer's) stopped the operator's
   * watch of Directors for good: fabric8's informers stop on a decoding error unless told to
   * retry, and every director's later status was missed while /healthz said ok. It retries.
   */
  @Test
  void aDirectorItCannotDecodeDoesNotStopItsWatch() throws Exception {
    FakeDataplane a = cluster.dataplane("node-a");
    create(staticService("web", "198.18.0.100", ForwardingMode.DR, "198.18.0.11", "198.18.0.12"));
    await().atMost(wait).untilAsserted(() -> assertCondition(cluster.get("default", "web"), "Programmed", "True", null));
    String directors = cluster.client().getMasterUrl() + "apis/lvsoperator.io/v1alpha1/directors";
    cluster.client().raw(directors, "POST", Map.of("apiVersion", "lvsoperator.io/v1alpha1", "kind", "Director",
        "metadata", Map.of("name", "node-broken"), "status", Map.of("appliedGeneration", "not-a-number")));
    Thread.sleep(500); // the watch event reaches the operator
    // by plain HTTP: the API answers a delete with the object, which no client of ours decodes either
    java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(directors + "/node-broken")).DELETE().build(), java.net.http.HttpResponse.BodyHandlers.discarding());

    a.unhealthy(List.of(new ServiceHealth("default/web", "198.18.0.100", 80, "TCP",
        List.of(new RealServerHealth("198.18.0.12", null, false, null, null)))));
    await().atMost(Duration.ofSeconds(60)).untilAsserted(
        () -> assertThat(cluster.get("default", "web").getStatus().getReady()).isEqualTo("1/2"));
  }

  /** Issue 11: directors accept advertisements only from the peers the head names. */
  @Test
  void theHeadNamesEveryDirectorsAddressAndARouterIdItKeeps() {
    FakeDataplane a = cluster.dataplane("node-a");
    FakeDataplane b = cluster.dataplane("node-b");
    a.address("198.18.0.2");
    b.address("198.18.0.3");
    create(staticService("web", "198.18.0.100", ForwardingMode.DR, "198.18.0.11"));
    // IDs go in the order the operator first sees the directors, which two starting together
    // do not fix: 1 and 2, one each
    await().atMost(wait).untilAsserted(() -> {
      assertThat(peers()).extracting(p -> p.name() + " " + p.address())
          .containsExactly("node-a 198.18.0.2", "node-b 198.18.0.3");
      assertThat(peers()).extracting(PeerSpec::routerId).containsExactlyInAnyOrder(1, 2);
    });
    int idOfB = peers().get(1).routerId();
    assertThat(cluster.head().getSpec().advertisementIntervalMillis()).isEqualTo(100);

    FakeDataplane c = cluster.dataplane("node-c");
    c.address("198.18.0.4");
    await().atMost(wait).untilAsserted(() -> assertThat(peers()).contains(new PeerSpec("node-c", "198.18.0.4", 3)));
    // node-a gone for good: its ID is free, the others keep theirs
    cluster.kill("node-a");
    cluster.removeDataplanePod("node-a");
    await().atMost(wait).untilAsserted(() -> assertThat(peers()).containsExactly(
        new PeerSpec("node-b", "198.18.0.3", idOfB), new PeerSpec("node-c", "198.18.0.4", 3)));
  }

  /** The head's peers; none before the first publication. */
  List<PeerSpec> peers() {
    var head = cluster.head();
    return head == null || head.getSpec() == null ? List.of() : head.getSpec().peers();
  }

  @Test
  void endpointSlicesGiveRealServersAndTerminatingOnesDrain() {
    cluster.dataplane("node-a");
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
      ServiceSpec svc = cluster.onlyService("node-a");
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
        cluster.onlyService("node-a").realServers())
        .extracting(RealServerSpec::address).containsExactly("10.244.0.5"));
  }

  @Test
  void theOlderVirtualServiceKeepsAContestedVipPort() {
    cluster.dataplane("node-a");
    create(staticService("first", "198.18.0.102", ForwardingMode.DR, "198.18.0.11"));
    await().atMost(wait).untilAsserted(() -> assertCondition(cluster.get("default", "first"), "Accepted", "True", null));
    create(staticService("second", "198.18.0.102", ForwardingMode.NAT, "198.18.0.12"));
    await().atMost(wait).untilAsserted(() -> {
      assertCondition(cluster.get("default", "second"), "Accepted", "False", "Conflict");
      assertCondition(cluster.get("default", "first"), "Accepted", "True", "Accepted");
      assertThat(cluster.config("node-a").services()).extracting(ServiceSpec::name)
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
    cluster.dataplane("node-a");
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
      assertThat(cluster.config("node-a").services()).extracting(ServiceSpec::name)
          .containsExactly("default/holder");
    });
  }

  /** A typo in the holder's VIP does not hand its address to the next VirtualService that asks. */
  @Test
  void anInvalidEditKeepsTheClaimsItHeld() {
    cluster.dataplane("node-a");
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
    cluster.dataplane("node-a");
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
      assertThat(cluster.config("node-a").services()).extracting(ServiceSpec::name)
          .containsExactly("default/fine");
    });
  }

  private void assertMessage(String name, String message) {
    VirtualService vs = cluster.get("default", name);
    assertCondition(vs, "Accepted", "False", "InvalidSpec");
    assertThat(vs.getStatus().getConditions().get(0).getMessage()).contains(message);
  }

  /** A pod, or a Lease, with the dataplane's labels in a tenant's namespace does not make its node a director. */
  @Test
  void onlyPodsAndLeasesOfTheReleaseNamespaceAreDirectors() {
    Pod impostor = new PodBuilder().withNewMetadata().withName("fake-dataplane").withNamespace("tenant")
        .addToLabels(MockCluster.SELECTOR_LABEL, MockCluster.SELECTOR_VALUE).endMetadata()
        .withNewSpec().withNodeName("node-x").endSpec()
        .withNewStatus().addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build();
    cluster.client().pods().inNamespace("tenant").resource(impostor).create();
    Lease lease = new Lease();
    lease.setMetadata(new ObjectMetaBuilder().withName(DirectorLeases.name("node-x")).withNamespace("tenant")
        .addToLabels(DirectorLeases.NODE_LABEL, "node-x").build());
    lease.setSpec(new LeaseSpec());
    lease.getSpec().setHolderIdentity("node-x");
    lease.getSpec().setLeaseDurationSeconds(3600);
    lease.getSpec().setRenewTime(java.time.ZonedDateTime.now());
    cluster.client().leases().inNamespace("tenant").resource(lease).create();
    create(staticService("early", "198.18.0.119", ForwardingMode.DR, "198.18.0.11"));
    await().atMost(wait).untilAsserted(() -> {
      assertCondition(cluster.get("default", "early"), "Ready", "False", "NoReadyDirector");
      assertThat(cluster.config("node-x").vips()).isEmpty();
    });
    cluster.dataplane("node-a");
    create(staticService("web", "198.18.0.116", ForwardingMode.DR, "198.18.0.11"));
    await().atMost(wait).untilAsserted(() -> {
      assertCondition(cluster.get("default", "web"), "Ready", "True", null);
      assertThat(directorOf("web")).isEqualTo("node-a");
      assertThat(directorOf("early")).isEqualTo("node-a");
      assertThat(cluster.client().resources(Director.class).list().getItems())
          .extracting(d -> d.getMetadata().getName()).containsExactly("node-a");
    });
  }

  /** One VirtualService too big for its share of the configuration is refused; the others go on. */
  @Test
  void anOversizedVirtualServiceIsRefusedAndTheOthersAreProgrammed() {
    cluster.dataplane("node-a");
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
      assertThat(cluster.config("node-a").services()).extracting(ServiceSpec::name)
          .containsExactly("default/small");
    });
  }

  @Test
  void anInvalidVirtualServiceIsReportedAndDoesNotStopTheOthers() {
    cluster.dataplane("node-a");
    create(staticService("bad", "198.18.0.999", ForwardingMode.DR, "198.18.0.11"));
    create(staticService("good", "198.18.0.103", ForwardingMode.DR, "198.18.0.11"));
    await().atMost(wait).untilAsserted(() -> {
      VirtualService bad = cluster.get("default", "bad");
      assertCondition(bad, "Accepted", "False", "InvalidSpec");
      assertThat(bad.getStatus().getConditions().get(0).getMessage()).contains("spec.vip");
      assertCondition(cluster.get("default", "good"), "Accepted", "True", "Accepted");
      assertThat(cluster.config("node-a").services()).extracting(ServiceSpec::name)
          .containsExactly("default/good");
    });
  }

  @Test
  void vipMovesWhenItsDirectorStopsAndStaysWhereItWent() {
    FakeDataplane a = cluster.dataplane("node-a");
    cluster.dataplane("node-b");
    await().atMost(wait).until(() -> cluster.director("node-a") != null && cluster.director("node-b") != null);
    create(staticService("web", "198.18.0.104", ForwardingMode.TUN, "198.18.0.11"));
    await().atMost(wait).untilAsserted(() -> assertThat(directorOf("web")).isEqualTo("node-a"));
    // a second VIP spreads to the other director
    create(staticService("api", "198.18.0.105", ForwardingMode.TUN, "198.18.0.12"));
    await().atMost(wait).untilAsserted(() -> assertThat(directorOf("api")).isEqualTo("node-b"));

    // a director that reports not Ready (its link went down) gives its VIPs away
    a.ready(false);
    await().atMost(wait).untilAsserted(() -> {
      assertThat(directorOf("web")).isEqualTo("node-b");
      assertThat(cluster.config("node-b").vips()).containsExactlyInAnyOrder("198.18.0.104", "198.18.0.105");
      assertThat(cluster.config("node-a").vips()).isEmpty();
      assertCondition(cluster.get("default", "web"), "Ready", "True", "Ready");
    });
    // the VIP does not move back when node-a is ready again: assignments are stable
    a.ready(true);
    await().atMost(wait).untilAsserted(() -> assertThat(cluster.parts()).flatExtracting(p -> p.getSpec().announce())
        .contains(new AnnounceSpec("198.18.0.104", List.of("node-b", "node-a"))));
    assertThat(directorOf("web")).isEqualTo("node-b");

    // a director killed outright: its Lease lapses and what it announced moves
    cluster.kill("node-b");
    await().atMost(wait).untilAsserted(() -> {
      assertThat(directorOf("web")).isEqualTo("node-a");
      assertThat(directorOf("api")).isEqualTo("node-a");
      assertThat(cluster.config("node-a").vips()).containsExactlyInAnyOrder("198.18.0.104", "198.18.0.105");
    });
  }

  /**
   * The directors move a VIP among themselves (failover) before the operator notices anything:
   * the VirtualService names the director that reports announcing it, with an Event saying from,
   * to and why.
   */
  @Test
  void theDirectorReportingTheVipIsTheOneTheStatusNames() {
    FakeDataplane a = cluster.dataplane("node-a");
    FakeDataplane b = cluster.dataplane("node-b");
    await().atMost(wait).until(() -> cluster.director("node-a") != null && cluster.director("node-b") != null);
    create(staticService("web", "198.18.0.106", ForwardingMode.DR, "198.18.0.11"));
    await().atMost(wait).untilAsserted(() -> assertThat(directorOf("web")).isEqualTo("node-a"));
    a.announced(List.of("198.18.0.106"));
    b.announced(List.of());
    // node-a's peers no longer hear it: node-b takes the VIP, while node-a's Lease is still current
    a.announced(List.of());
    b.announced(List.of("198.18.0.106"));
    await().atMost(wait).untilAsserted(() -> {
      assertThat(directorOf("web")).isEqualTo("node-b");
      assertThat(cluster.parts()).flatExtracting(p -> p.getSpec().announce())
          .contains(new AnnounceSpec("198.18.0.106", List.of("node-a", "node-b")));
      assertThat(cluster.client().v1().events().inNamespace("default").list().getItems()).anySatisfy(e -> {
        assertThat(e.getReason()).isEqualTo("VipMoved");
        assertThat(e.getMessage()).isEqualTo(
            "VIP 198.18.0.106 moved from node-a to node-b: the directors moved it: node-a stopped or is not heard");
      });
    });
    // node-a took it back after its hold time
    b.announced(List.of());
    a.announced(List.of("198.18.0.106"));
    await().atMost(wait).untilAsserted(() -> {
      assertThat(directorOf("web")).isEqualTo("node-a");
      assertThat(cluster.client().v1().events().inNamespace("default").list().getItems())
          .anySatisfy(e -> assertThat(e.getMessage()).endsWith("node-a took it back after its hold time"));
    });
  }

  /** With no live director at all, the VIPs stay where they were: a control-plane outage withdraws nothing. */
  @Test
  void whenEveryDirectorIsGoneTheOrdersStay() {
    cluster.dataplane("node-a");
    create(staticService("web", "198.18.0.121", ForwardingMode.DR, "198.18.0.11"));
    await().atMost(wait).untilAsserted(() -> assertCondition(cluster.get("default", "web"), "Ready", "True", null));
    cluster.kill("node-a");
    await().atMost(wait).untilAsserted(() ->
        assertCondition(cluster.get("default", "web"), "Ready", "False", "DirectorNotReady"));
    create(staticService("api", "198.18.0.122", ForwardingMode.DR, "198.18.0.11"));
    await().atMost(wait).untilAsserted(() -> assertCondition(cluster.get("default", "api"), "Programmed", "False",
        "NoReadyDirector"));
    assertThat(cluster.config("node-a").vips()).contains("198.18.0.121");
  }

  @Test
  void nothingIsWrittenWhenNothingChangedAndDeletionRemovesTheService() throws Exception {
    cluster.dataplane("node-a");
    create(staticService("web", "198.18.0.106", ForwardingMode.DR, "198.18.0.11"));
    await().atMost(wait).untilAsserted(() -> assertCondition(cluster.get("default", "web"), "Programmed", "True", null));
    // settled: two looks half a second apart see the same versions
    String[] seen = new String[2];
    await().atMost(wait).pollInterval(Duration.ofMillis(500)).until(() -> {
      String h = cluster.head().getMetadata().getResourceVersion();
      String v = cluster.get("default", "web").getMetadata().getResourceVersion();
      boolean same = h.equals(seen[0]) && v.equals(seen[1]);
      seen[0] = h;
      seen[1] = v;
      return same;
    });
    String headVersion = seen[0];
    String statusVersion = seen[1];
    // Lease renewals every 200 ms and a pod label: neither is a reason to write anything
    cluster.client().pods().inNamespace("lvs-system").withName("dataplane-node-a")
        .edit(p -> { p.getMetadata().getLabels().put("touched", "yes"); return p; });
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(cluster.head().getMetadata().getResourceVersion()).isEqualTo(headVersion);
      assertThat(cluster.get("default", "web").getMetadata().getResourceVersion()).isEqualTo(statusVersion);
    });

    // its namespace relabelled: the VirtualService is reconciled again (pools select namespaces by
    // label), and its unchanged status is not written again
    cluster.client().namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
        .withName("default").addToLabels("tier", "a").endMetadata().build()).create();
    cluster.drainRequests();
    cluster.client().namespaces().withName("default").edit(n -> { n.getMetadata().getLabels().put("tier", "b"); return n; });
    Thread.sleep(2000);
    assertThat(cluster.drainRequests()).as("requests after the relabelling").noneMatch(r -> r.contains("/status"))
        .noneMatch(r -> r.startsWith("PATCH") && r.contains("virtualservices"));

    cluster.client().resources(VirtualService.class).inNamespace("default").withName("web").delete();
    await().atMost(wait).untilAsserted(() -> {
      assertThat(cluster.config("node-a").services()).isEmpty();
      assertThat(cluster.config("node-a").vips()).isEmpty();
    });
  }

  /**
   * Earlier versions put a finalizer on every VirtualService; this one has none, so a deletion
   * would hang forever on it: the operator removes it when such a VirtualService is deleted.
   */
  @Test
  void aFinalizerOfAnEarlierVersionDoesNotHoldADeletion() {
    cluster.dataplane("node-a");
    VirtualService old = staticService("old", "198.18.0.125", ForwardingMode.DR, "198.18.0.11");
    old.getMetadata().setFinalizers(List.of("virtualservices.lvsoperator.io/finalizer"));
    create(old);
    await().atMost(wait).untilAsserted(() -> assertCondition(cluster.get("default", "old"), "Programmed", "True", null));
    assertThat(cluster.get("default", "old").getMetadata().getFinalizers())
        .containsExactly("virtualservices.lvsoperator.io/finalizer");
    cluster.client().resources(VirtualService.class).inNamespace("default").withName("old").delete();
    await().atMost(wait).untilAsserted(() -> {
      assertThat(cluster.get("default", "old")).isNull();
      assertThat(cluster.config("node-a").services()).isEmpty();
    });
  }

  /**
   * A cluster with parts of 1 KiB and one dataplane, running svc-0 to svc-11 of 16 real servers
   * each, at addresses apart as a cluster has them: gzipped, they still need several parts.
   */
  private void twelveServicesInSeveralParts(long seed) throws Exception {
    cluster.close();
    cluster = new MockCluster(1024);
    cluster.dataplane("node-a");
    java.util.Random random = new java.util.Random(seed);
    for (int i = 0; i < 12; i++) {
      String[] reals = new String[16];
      for (int r = 0; r < reals.length; r++) {
        reals[r] = "198.18." + random.nextInt(256) + "." + (1 + random.nextInt(254));
      }
      create(staticService("svc-" + i, "198.18.1." + (10 + i), ForwardingMode.DR, reals));
    }
    await().atMost(wait).untilAsserted(() -> {
      assertThat(cluster.parts()).hasSizeGreaterThan(2);
      assertThat(cluster.config("node-a").services()).hasSize(12);
      assertCondition(cluster.get("default", "svc-11"), "Programmed", "True", null);
    });
  }

  /** One changed VirtualService rewrites the part that holds it and the head, nothing else. */
  @Test
  void aChangeRewritesOnlyItsPartAndAShrinkingConfigurationFolds() throws Exception {
    twelveServicesInSeveralParts(11);
    Map<String, String> before = cluster.parts().stream().collect(Collectors.toMap(p -> p.getMetadata().getName(),
        p -> p.getMetadata().getResourceVersion()));
    long generation = cluster.head().getSpec().generation();
    VirtualService svc = cluster.get("default", "svc-3");
    svc.getSpec().setRealServers(List.of(new RealServerSpec("198.18.0.12", null, 1)));
    cluster.client().resources(VirtualService.class).inNamespace("default").resource(svc).update();
    await().atMost(wait).untilAsserted(() -> assertThat(cluster.config("node-a").services())
        .filteredOn(s -> s.name().equals("default/svc-3")).singleElement()
        .satisfies(s -> assertThat(s.realServers()).extracting(RealServerSpec::address).containsExactly("198.18.0.12")));
    assertThat(cluster.head().getSpec().generation()).isEqualTo(generation + 1);
    List<String> rewritten = cluster.parts().stream()
        .filter(p -> !p.getMetadata().getResourceVersion().equals(before.get(p.getMetadata().getName())))
        .map(p -> p.getMetadata().getName()).toList();
    assertThat(rewritten).containsExactly(SharedConfig.partName(
        SharedConfig.partOf("default/svc-3", cluster.head().getSpec().partRevisions().size())));

    for (int i = 0; i < 11; i++) {
      cluster.client().resources(VirtualService.class).inNamespace("default").withName("svc-" + i).delete();
    }
    int parts = cluster.head().getSpec().partRevisions().size();
    await().atMost(wait).untilAsserted(() -> {
      assertThat(cluster.config("node-a").services()).extracting(ServiceSpec::name).containsExactly("default/svc-11");
      assertThat(cluster.head().getSpec().partRevisions()).hasSizeLessThan(parts);
      // parts past the new count are gone from the API
      assertThat(cluster.parts()).hasSize(cluster.head().getSpec().partRevisions().size());
    });
  }

  /**
   * Parts are written several at a time; when one of them is refused, the head is not written
   * (the directors keep the generation they run) and the next try writes what is missing.
   */
  @Test
  void aRefusedPartHoldsTheHeadBackUntilItIsWritten() throws Exception {
    twelveServicesInSeveralParts(5);
    int count = cluster.head().getSpec().partRevisions().size();
    long generation = cluster.head().getSpec().generation();
    // two changes in two parts; the part of svc-3 is refused
    String refusedPart = SharedConfig.partName(SharedConfig.partOf("default/svc-3", count));
    String other = java.util.stream.IntStream.range(0, 12).mapToObj(i -> "svc-" + i)
        .filter(n -> !SharedConfig.partName(SharedConfig.partOf("default/" + n, count)).equals(refusedPart))
        .findFirst().orElseThrow();
    cluster.refuseWrites(r -> r.endsWith("/directorconfigparts/" + refusedPart));
    for (String name : List.of("svc-3", other)) {
      // a patch: the operator may be writing this VirtualService's status meanwhile
      cluster.client().resources(VirtualService.class).inNamespace("default").withName(name).edit(vs -> {
        vs.getSpec().setRealServers(List.of(new RealServerSpec("198.18.0.12", null, 1)));
        return vs;
      });
    }
    // a failed publication is retried after a second: give it two tries
    await().pollDelay(Duration.ofMillis(2500)).atMost(wait).untilAsserted(() -> assertThat(
        cluster.operator().registry().get("lvs.operator.config.publication.failures").counter().count())
        .isGreaterThanOrEqualTo(2));
    // the head still names generation's parts: a director keeps running what it has (the part
    // written meanwhile carries a revision the head does not name, so it is not taken alone)
    assertThat(cluster.head().getSpec().generation()).as("no head before every part").isEqualTo(generation);

    cluster.refuseWrites(r -> false);
    await().atMost(wait).untilAsserted(() -> {
      for (String name : List.of("svc-3", other)) {
        assertThat(cluster.config("node-a").services()).filteredOn(s -> s.name().equals("default/" + name))
            .singleElement().satisfies(s -> assertThat(s.realServers()).extracting(RealServerSpec::address)
                .containsExactly("198.18.0.12"));
      }
      assertThat(cluster.config("node-a").services()).hasSize(12);
    });
    assertThat(cluster.head().getSpec().generation()).isGreaterThan(generation);
  }

  /** A restarted operator takes over what it finds and rewrites nothing that did not change. */
  @Test
  void aRestartedOperatorRewritesNothing() throws Exception {
    cluster.dataplane("node-a");
    cluster.dataplane("node-b");
    for (int i = 0; i < 4; i++) {
      create(staticService("svc-" + i, "198.18.2." + (10 + i), ForwardingMode.DR, "198.18.0.11"));
    }
    await().atMost(wait).untilAsserted(() -> {
      for (int i = 0; i < 4; i++) {
        assertCondition(cluster.get("default", "svc-" + i), "Programmed", "True", null);
      }
    });
    long generation = cluster.head().getSpec().generation();
    Map<String, String> statuses = new java.util.HashMap<>();
    for (int i = 0; i < 4; i++) {
      statuses.put("svc-" + i, cluster.get("default", "svc-" + i).getMetadata().getResourceVersion());
    }
    Map<String, String> owners = new java.util.HashMap<>();
    statuses.keySet().forEach(n -> owners.put(n, directorOf(n)));

    cluster.restartOperator();
    create(staticService("after", "198.18.2.20", ForwardingMode.DR, "198.18.0.11"));
    await().atMost(wait).untilAsserted(() -> assertCondition(cluster.get("default", "after"), "Programmed", "True", null));
    statuses.forEach((name, version) -> {
      assertThat(cluster.get("default", name).getMetadata().getResourceVersion()).as(name).isEqualTo(version);
      assertThat(directorOf(name)).isEqualTo(owners.get(name));
    });
    assertThat(cluster.config("node-a").services()).hasSize(5);
    // one generation for the new VirtualService, none for taking over
    assertThat(cluster.head().getSpec().generation()).isEqualTo(generation + 1);
  }

  /**
   * A rolling upgrade: a dataplane of the previous version gets its own Director objects written
   * as before, in step with the shared configuration; once upgraded they are handed over.
   */
  @Test
  void dataplanesOfThePreviousVersionKeepTheirOwnObjectsUntilUpgraded() {
    cluster.previousVersionPod("node-old", true);
    cluster.dataplane("node-new");
    create(staticService("web", "198.18.0.123", ForwardingMode.DR, "198.18.0.11"));
    create(staticService("api", "198.18.0.124", ForwardingMode.DR, "198.18.0.12"));
    await().atMost(wait).untilAsserted(() -> {
      Director old = cluster.director("node-old");
      assertThat(old).isNotNull();
      assertThat(old.getSpec().services()).extracting(ServiceSpec::name)
          .containsExactlyInAnyOrder("default/web", "default/api");
      // stamped with the shared generation in which its content last changed
      assertThat(old.getSpec().generation()).isBetween(1L, cluster.head().getSpec().generation());
      assertThat(cluster.config("node-new").services()).hasSize(2);
      // the old node announces what the shared configuration says it owns, and between them
      // the two announce every VIP once
      assertThat(old.getSpec().vips()).isEqualTo(cluster.config("node-old").vips());
      List<String> all = new ArrayList<>(cluster.config("node-old").vips());
      all.addAll(cluster.config("node-new").vips());
      assertThat(all).containsExactlyInAnyOrder("198.18.0.123", "198.18.0.124");
    });
    cluster.previousVersionApplied("node-old", true);
    cluster.dataplane("node-old");
    await().atMost(wait).untilAsserted(() -> {
      Director upgraded = cluster.director("node-old");
      assertThat(upgraded.getSpec()).isNull();
      assertThat(upgraded.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "lvs-dataplane");
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
    cluster.dataplane("node-a");
    create(staticService("web", "198.18.0.107", ForwardingMode.DR, "198.18.0.11"));
    await().atMost(wait).untilAsserted(() -> assertThat(http.send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body())
        .contains("operator_sdk")
        .contains("lvs_operator_virtualservices{condition=\"Ready\",status=\"True\"} 1.0")
        .contains("lvs_operator_directors{state=\"ready\"} 1.0")
        .contains("lvs_operator_config_publications_total")
        .contains("lvs_operator_config_written_bytes_total")
        // no meter per VirtualService: /metrics stays the same size at 10,000 of them
        .doesNotContain("name=\"web\""));
  }
}
