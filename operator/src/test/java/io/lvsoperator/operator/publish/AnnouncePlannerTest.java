package io.lvsoperator.operator.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.v1alpha1.SharedConfig;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AnnouncePlannerTest {
  static final Set<String> THREE = new TreeSet<>(Set.of("a", "b", "c"));

  static ServiceCatalog.Entry dr(String name, String vip) {
    return new ServiceCatalog.Entry("default/" + name, vip, null, List.of());
  }

  static ServiceCatalog.Entry natVia(String name, String vip, String gateway) {
    return new ServiceCatalog.Entry("default/" + name, vip, gateway, List.of());
  }

  static Map<String, String> owners(Map<String, List<String>> orders) {
    Map<String, String> out = new HashMap<>();
    orders.forEach((a, o) -> out.put(a, o.isEmpty() ? null : o.get(0)));
    return out;
  }

  @Test
  void eachAddressGetsOneOwnerThenItsStandbysAndLoadSpreads() {
    var orders = AnnouncePlanner.plan(List.of(dr("x", "198.18.0.1"), dr("y", "198.18.0.2"), dr("z", "198.18.0.3")),
        THREE, Map.of(), 1);
    assertThat(orders).hasSize(3);
    assertThat(owners(orders).values()).containsExactlyInAnyOrder("a", "b", "c");
    orders.values().forEach(o -> {
      assertThat(o).hasSize(2).doesNotHaveDuplicates();
      assertThat(THREE).containsAll(o);
    });
    assertThat(AnnouncePlanner.plan(List.of(dr("x", "198.18.0.1")), THREE, Map.of(), 5).get("198.18.0.1"))
        .as("as long as there are directors").hasSize(3);
  }

  @Test
  void standbysFollowTheOwnerByRendezvousWeightHighestFirst() {
    Set<String> nodes = new TreeSet<>();
    IntStream.range(0, 40).forEach(i -> nodes.add("node-" + i));
    for (int v = 1; v <= 200; v++) {
      String vip = "198.18." + (v / 250) + "." + (v % 250 + 1);
      for (int standbys : new int[] {0, 1, 2, 7, 39, 60}) {
        List<String> order = AnnouncePlanner.plan(List.of(dr("s" + v, vip)), nodes, Map.of(), standbys).get(vip);
        String owner = order.get(0);
        // the definition, by a full sort of every other director
        List<String> expected = nodes.stream().filter(n -> !n.equals(owner))
            .sorted(Comparator.comparingLong((String n) -> SharedConfig.rendezvous(vip, n)).reversed()
                .thenComparing(n -> n))
            .limit(standbys).toList();
        assertThat(order.subList(1, order.size())).as("%s with %d standbys", vip, standbys).isEqualTo(expected);
      }
    }
  }

  @Test
  void anOrderStaysWhileItsDirectorsLiveAndOnlyOrdersWithAGoneDirectorChange() {
    var s = List.of(dr("x", "198.18.0.1"), dr("y", "198.18.0.2"));
    Map<String, List<String>> current = Map.of("198.18.0.1", List.of("c", "a"), "198.18.0.2", List.of("a", "b"));
    assertThat(AnnouncePlanner.plan(s, THREE, current, 1)).isEqualTo(current);
    var withoutC = AnnouncePlanner.plan(s, new TreeSet<>(Set.of("a", "b")), current, 1);
    assertThat(withoutC.get("198.18.0.2")).containsExactly("a", "b");
    assertThat(withoutC.get("198.18.0.1")).doesNotContain("c").hasSize(2);
    // the owner that stays keeps its place; a gone owner's address goes to the least loaded
    var withoutA = AnnouncePlanner.plan(s, new TreeSet<>(Set.of("b", "c")), current, 1);
    assertThat(withoutA.get("198.18.0.1").get(0)).isEqualTo("c");
    assertThat(withoutA.get("198.18.0.2").get(0)).isEqualTo("b");
  }

  @Test
  void noLiveDirectorKeepsTheOrdersAsTheyAre() {
    Map<String, List<String>> current = Map.of("198.18.0.1", List.of("a", "b"));
    var orders = AnnouncePlanner.plan(List.of(dr("x", "198.18.0.1"), dr("y", "198.18.0.2")), Set.of(), current, 1);
    assertThat(orders).containsEntry("198.18.0.1", List.of("a", "b")).containsEntry("198.18.0.2", List.of());
  }

  @Test
  void theSameInputGivesTheSameOrders() {
    var s = List.of(dr("y", "198.18.0.2"), dr("x", "198.18.0.1"), dr("w", "198.18.0.7"));
    assertThat(AnnouncePlanner.plan(s, THREE, Map.of(), 2))
        .isEqualTo(AnnouncePlanner.plan(List.of(s.get(2), s.get(1), s.get(0)), THREE, Map.of(), 2));
  }

  @Test
  void natVipsSharingAGatewayAreAnnouncedWithItByOneDirector() {
    var s = List.of(natVia("n1", "198.18.0.1", "198.18.0.254"), natVia("n2", "198.18.0.2", "198.18.0.254"),
        dr("d", "198.18.0.3"));
    var orders = AnnouncePlanner.plan(s, THREE, Map.of(), 1);
    assertThat(orders.get("198.18.0.1")).isEqualTo(orders.get("198.18.0.2")).isEqualTo(orders.get("198.18.0.254"));
    assertThat(orders.get("198.18.0.3").get(0)).isNotEqualTo(orders.get("198.18.0.254").get(0));
    // the group moves whole when its director goes
    Map<String, List<String>> current = Map.of("198.18.0.1", List.of("c", "a"), "198.18.0.2", List.of("c", "a"),
        "198.18.0.254", List.of("c", "a"));
    var moved = owners(AnnouncePlanner.plan(s, new TreeSet<>(Set.of("a", "b")), current, 1));
    assertThat(moved.get("198.18.0.1")).isIn("a", "b").isEqualTo(moved.get("198.18.0.2"))
        .isEqualTo(moved.get("198.18.0.254"));
  }

  @Test
  void aGatewayJoinsItsVipToTheDirectorAlreadyAnnouncingTheGateway() {
    // n1 is on b with the gateway; n2 (new, same gateway) must join b, not the least loaded
    var s = List.of(natVia("n1", "198.18.0.1", "198.18.0.254"), natVia("n2", "198.18.0.9", "198.18.0.254"));
    Map<String, List<String>> current = Map.of("198.18.0.1", List.of("b"), "198.18.0.254", List.of("b"));
    assertThat(owners(AnnouncePlanner.plan(s, THREE, current, 0))).containsEntry("198.18.0.9", "b");
  }

  @Test
  void aJoiningDirectorFillsShortOrdersAndTakesNewAddressesWithoutMovingAny() {
    Map<String, List<String>> current = Map.of("198.18.0.1", List.of("a"), "198.18.0.2", List.of("a"));
    var s = List.of(dr("x", "198.18.0.1"), dr("y", "198.18.0.2"), dr("z", "198.18.0.3"));
    var orders = AnnouncePlanner.plan(s, new TreeSet<>(Set.of("a", "b")), current, 1);
    assertThat(orders.get("198.18.0.1")).containsExactly("a", "b");
    assertThat(orders.get("198.18.0.2")).containsExactly("a", "b");
    assertThat(orders.get("198.18.0.3").get(0)).isEqualTo("b");
  }

  /** Issue 14: a VipPool's nodeSelector: its addresses go only to the directors it selects. */
  @Test
  void addressesGoOnlyToDirectorsThatMayAnnounceThemAndNowhereWhenNoneMay() {
    // 198.18.1.x may be announced by b and c only; 198.18.2.1 by nobody live
    java.util.function.BiPredicate<String, String> may = (address, node) ->
        address.startsWith("198.18.1.") ? !node.equals("a") : !address.equals("198.18.2.1");
    var s = List.of(dr("x", "198.18.1.1"), dr("y", "198.18.1.2"), dr("z", "198.18.0.3"), dr("w", "198.18.2.1"));
    var orders = AnnouncePlanner.plan(s, THREE, Map.of(), 2, may);
    assertThat(orders.get("198.18.1.1")).hasSize(2).doesNotContain("a");
    assertThat(orders.get("198.18.1.2")).hasSize(2).doesNotContain("a");
    assertThat(orders.get("198.18.0.3")).hasSize(3);
    assertThat(orders.get("198.18.2.1")).isEmpty();
    // an order that was fine before the selector changed is planned again
    var before = Map.of("198.18.1.1", List.of("a", "b", "c"));
    assertThat(AnnouncePlanner.plan(List.of(dr("x", "198.18.1.1")), THREE, before, 2, may).get("198.18.1.1"))
        .containsExactlyInAnyOrder("b", "c");
    // a NAT VIP and its gateway: only a director that may announce both
    java.util.function.BiPredicate<String, String> gatewayOnC = (address, node) ->
        !address.equals("198.18.0.254") || node.equals("c");
    assertThat(AnnouncePlanner.plan(List.of(natVia("n", "198.18.0.9", "198.18.0.254")), THREE, Map.of(), 2,
        gatewayOnC).get("198.18.0.9")).containsExactly("c");
  }
}
