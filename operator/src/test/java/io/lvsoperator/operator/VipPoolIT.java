package io.lvsoperator.operator;

import static io.lvsoperator.operator.testsupport.MockCluster.assertCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.lvsoperator.api.v1alpha1.ForwardingMode;
import io.lvsoperator.api.v1alpha1.ServiceSpec;
import io.lvsoperator.api.v1alpha1.VipPool;
import io.lvsoperator.api.v1alpha1.VipPoolSpec;
import io.lvsoperator.api.v1alpha1.VirtualService;
import io.lvsoperator.operator.testsupport.MockCluster;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue 14, address pools: the real operator against fabric8's mock API server. */
@Timeout(90)
class VipPoolIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private MockCluster cluster;

  @BeforeEach
  void start() throws Exception {
    cluster = new MockCluster();
    cluster.dataplane("node-a");
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private void pool(String name, boolean autoAssign, String namespaceTier, String... addresses) {
    VipPoolSpec spec = new VipPoolSpec();
    spec.setAddresses(List.of(addresses));
    spec.setAutoAssign(autoAssign);
    if (namespaceTier != null) {
      spec.setNamespaceSelector(new LabelSelectorBuilder().addToMatchLabels("tier", namespaceTier).build());
    }
    VipPool p = new VipPool();
    p.setMetadata(new ObjectMetaBuilder().withName(name).build());
    p.setSpec(spec);
    cluster.client().resources(VipPool.class).resource(p).create();
  }

  private VipPool getPool(String name) {
    return cluster.client().resources(VipPool.class).withName(name).get();
  }

  private void create(String namespace, String name, String vip) {
    VirtualService vs = OperatorIT.staticService(name, vip, ForwardingMode.DR, "198.18.0.11");
    vs.getMetadata().setNamespace(namespace);
    cluster.client().resources(VirtualService.class).inNamespace(namespace).resource(vs).create();
  }

  private void delete(String namespace, String name) {
    cluster.client().resources(VirtualService.class).inNamespace(namespace).withName(name).delete();
  }

  private String vipOf(String namespace, String name) {
    VirtualService vs = cluster.get(namespace, name);
    return vs == null || vs.getStatus() == null ? null : vs.getStatus().getVip();
  }

  private List<String> events(String namespace, String reason) {
    return cluster.client().v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason())).map(e -> e.getMessage()).toList();
  }

  @Test
  void withoutAnyPoolNamedVipsWorkAsBeforeAndEmptyOnesAreRefused() {
    create("default", "named", "198.18.7.7");
    create("default", "empty", null);
    await().atMost(WAIT).untilAsserted(() -> {
      assertCondition(cluster.get("default", "named"), "Accepted", "True", "Accepted");
      assertThat(vipOf("default", "named")).isEqualTo("198.18.7.7");
      assertCondition(cluster.get("default", "empty"), "Accepted", "False", "VipNotAllowed");
      assertThat(cluster.get("default", "empty").getStatus().getConditions().get(0).getMessage())
          .contains("no VipPool exists");
    });
  }

  @Test
  void emptyVipsGetAddressesUntilThePoolIsFullAndAFreedOneGoesToTheWaitingService() {
    pool("web", true, null, "198.18.100.0/31");
    create("default", "one", null);
    await().atMost(WAIT).until(() -> vipOf("default", "one") != null);
    create("default", "two", null);
    await().atMost(WAIT).until(() -> vipOf("default", "two") != null);
    create("default", "three", null);
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(vipOf("default", "one")).isEqualTo("198.18.100.0");
      assertThat(vipOf("default", "two")).isEqualTo("198.18.100.1");
      assertThat(cluster.get("default", "one").getStatus().getPool()).isEqualTo("web");
      assertCondition(cluster.get("default", "one"), "Accepted", "True", "Accepted");
      assertCondition(cluster.get("default", "three"), "Accepted", "False", "PoolExhausted");
      // the directors run the assigned addresses
      assertThat(cluster.config("node-a").services()).extracting(ServiceSpec::vip)
          .containsExactlyInAnyOrder("198.18.100.0", "198.18.100.1");
      assertThat(events("default", "VipAssigned")).contains("198.18.100.0 assigned from VipPool web");
      assertThat(events("default", "PoolExhausted")).isNotEmpty();
      VipPool web = getPool("web");
      assertThat(web.getStatus().getAssigned()).isEqualTo(2);
      assertThat(web.getStatus().getAvailable()).isZero();
      assertThat(web.getStatus().getConditions().get(0).getStatus()).isEqualTo("True");
    });
    delete("default", "one");
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(vipOf("default", "three")).isEqualTo("198.18.100.0");
      assertCondition(cluster.get("default", "three"), "Accepted", "True", "Accepted");
    });
  }

  @Test
  void namedVipsMustLieInAPoolTheirNamespaceMayUse() {
    cluster.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop")
        .addToLabels("tier", "prod").endMetadata().build()).create();
    cluster.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("dev")
        .addToLabels("tier", "dev").endMetadata().build()).create();
    pool("prod", false, "prod", "198.18.102.0/28");
    // refused once the operator knows the pool (before, any address goes, and a refused
    // VirtualService keeps what it held)
    create("shop", "outside", "198.18.9.9");
    await().atMost(WAIT).untilAsserted(() ->
        assertCondition(cluster.get("shop", "outside"), "Accepted", "False", "VipNotAllowed"));
    create("shop", "ok", "198.18.102.5");
    create("dev", "wrong-namespace", "198.18.102.6");
    create("shop", "unassigned", null);
    await().atMost(WAIT).untilAsserted(() -> {
      assertCondition(cluster.get("shop", "ok"), "Accepted", "True", "Accepted");
      assertThat(cluster.get("shop", "ok").getStatus().getPool()).isEqualTo("prod");
      assertCondition(cluster.get("dev", "wrong-namespace"), "Accepted", "False", "VipNotAllowed");
      assertThat(cluster.get("dev", "wrong-namespace").getStatus().getConditions().get(0).getMessage())
          .contains("does not select namespace dev");
      // the pool does not assign on its own
      assertCondition(cluster.get("shop", "unassigned"), "Accepted", "False", "VipNotAllowed");
      assertThat(cluster.config("node-a").services()).extracting(ServiceSpec::name).containsExactly("shop/ok");
      assertThat(getPool("prod").getStatus().getAssigned()).isEqualTo(1);
      assertThat(getPool("prod").getStatus().getAvailable()).isEqualTo(15);
    });
    // the namespace is relabelled: its VirtualService may now use the pool
    cluster.client().namespaces().withName("dev").edit(n -> {
      n.getMetadata().getLabels().put("tier", "prod");
      return n;
    });
    await().atMost(WAIT).untilAsserted(() ->
        assertCondition(cluster.get("dev", "wrong-namespace"), "Accepted", "True", "Accepted"));
  }

  @Test
  void overlappingPoolsAndPoolsOfTheClustersOwnAddressesAreRefused() {
    cluster.client().nodes().resource(new NodeBuilder().withNewMetadata().withName("node-a").endMetadata()
        .withNewStatus().addNewAddress().withType("InternalIP").withAddress("198.18.0.5").endAddress().endStatus()
        .build()).create();
    pool("first", true, null, "198.18.100.0/28");
    await().atMost(WAIT).until(() -> getPool("first").getStatus() != null);
    pool("second", true, null, "198.18.100.8-198.18.100.20");
    pool("nodes", true, null, "198.18.0.0/29");
    pool("loop", true, null, "127.0.0.0/30");
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(getPool("first").getStatus().getConditions().get(0).getStatus()).isEqualTo("True");
      assertPoolRefused("second", "Overlapping", "VipPool first");
      assertPoolRefused("nodes", "ReservedRange", "the address of node node-a");
      assertPoolRefused("loop", "ReservedRange", "loopback");
      assertThat(getPool("second").getStatus().getAvailable()).isZero();
    });
    // a VirtualService naming an address only the refused pool holds is refused with the pool's reason
    create("default", "in-refused", "198.18.100.18");
    await().atMost(WAIT).untilAsserted(() -> {
      assertCondition(cluster.get("default", "in-refused"), "Accepted", "False", "VipNotAllowed");
      assertThat(cluster.get("default", "in-refused").getStatus().getConditions().get(0).getMessage())
          .contains("VipPool second, which is not accepted");
    });
    // the older pool goes: the newer one is accepted and the VirtualService with it
    cluster.client().resources(VipPool.class).withName("first").delete();
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(getPool("second").getStatus().getConditions().get(0).getStatus()).isEqualTo("True");
      assertCondition(cluster.get("default", "in-refused"), "Accepted", "True", "Accepted");
    });
  }

  private void assertPoolRefused(String name, String reason, String message) {
    var c = getPool(name).getStatus().getConditions().get(0);
    assertThat(c.getStatus()).isEqualTo("False");
    assertThat(c.getReason()).isEqualTo(reason);
    assertThat(c.getMessage()).contains(message);
  }

  @Test
  void aRestartedOperatorKeepsEveryAssignedAddress() throws Exception {
    pool("web", true, null, "198.18.100.0/29");
    for (String name : List.of("a", "b", "c")) {
      create("default", name, null);
      await().atMost(WAIT).until(() -> vipOf("default", name) != null);
    }
    delete("default", "a"); // a hole below the others: a fresh allocator would fill it first
    await().atMost(WAIT).until(() -> cluster.get("default", "a") == null);
    String b = vipOf("default", "b");
    String c = vipOf("default", "c");
    cluster.restartOperator();
    create("default", "d", null);
    await().atMost(WAIT).until(() -> vipOf("default", "d") != null);
    assertThat(vipOf("default", "b")).isEqualTo(b);
    assertThat(vipOf("default", "c")).isEqualTo(c);
    assertThat(vipOf("default", "d")).isNotIn(b, c);
    assertThat(cluster.config("node-a").services()).extracting(ServiceSpec::vip)
        .containsExactlyInAnyOrder(b, c, vipOf("default", "d"));
  }

  /** A pool's nodeSelector: only the directors on the nodes it selects announce its addresses. */
  @Test
  void onlyTheNodesAPoolSelectsAnnounceItsAddresses() {
    cluster.dataplane("node-b");
    cluster.dataplane("node-c");
    for (String n : List.of("node-a", "node-b", "node-c")) {
      cluster.client().nodes().resource(new NodeBuilder().withNewMetadata().withName(n)
          .addToLabels("zone", n.equals("node-a") ? "east" : "west").endMetadata().build()).create();
    }
    VipPoolSpec spec = new VipPoolSpec();
    spec.setAddresses(List.of("198.18.104.0/29"));
    spec.setNodeSelector(new LabelSelectorBuilder().addToMatchLabels("zone", "west").build());
    VipPool p = new VipPool();
    p.setMetadata(new ObjectMetaBuilder().withName("west").build());
    p.setSpec(spec);
    cluster.client().resources(VipPool.class).resource(p).create();
    for (String name : List.of("w1", "w2", "w3")) {
      create("default", name, null);
    }
    await().atMost(WAIT).untilAsserted(() -> {
      var orders = cluster.parts().stream().flatMap(x -> x.getSpec().announce().stream()).toList();
      assertThat(orders).hasSize(3).allSatisfy(a -> assertThat(a.directors())
          .containsExactlyInAnyOrder("node-b", "node-c"));
    });
    // node-a joins the zone: the orders take it in
    cluster.client().nodes().withName("node-a").edit(n -> {
      n.getMetadata().getLabels().put("zone", "west");
      return n;
    });
    await().atMost(WAIT).untilAsserted(() -> assertThat(cluster.parts().stream()
        .flatMap(x -> x.getSpec().announce().stream()).toList())
        .anySatisfy(a -> assertThat(a.directors()).contains("node-a")));
  }
}
