package io.lvsoperator.operator.publish;

import static io.lvsoperator.operator.publish.AnnouncePlannerTest.THREE;
import static io.lvsoperator.operator.publish.AnnouncePlannerTest.dr;
import static io.lvsoperator.operator.publish.AnnouncePlannerTest.natVia;
import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.v1alpha1.RealServerSpec;
import io.lvsoperator.api.v1alpha1.ServiceSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;

class AnnouncePlanCacheTest {
  private final AnnouncePlanCache cache = new AnnouncePlanCache();
  private final List<ServiceCatalog.Entry> services = List.of(dr("x", "198.18.0.1"), natVia("y", "198.18.0.2",
      "198.18.0.254"));

  @Test
  void aChangeThatMovesNoAddressReusesThePlan() {
    var first = cache.plan(services, THREE, Map.of(), 1, AnnouncePlanner.ANYWHERE);
    // x got another real server: its address and gateway are those of before
    var reweighted = List.of(new ServiceCatalog.Entry("default/x", "198.18.0.1", null, List.of(new ServiceSpec(
        "default/x", "198.18.0.1", 80, null, null, null, null, null, List.of(new RealServerSpec("198.18.1.1", null,
        7))))), services.get(1));

    assertThat(cache.plan(reweighted, THREE, Map.of(), 1, AnnouncePlanner.ANYWHERE)).isSameAs(first);
  }

  @Test
  void anyOtherInputPlansAgainAsThePlannerWould() {
    BiPredicate<String, String> notA = (address, node) -> !node.equals("a");
    var moved = List.of(dr("x", "198.18.0.9"), services.get(1));
    var regated = List.of(services.get(0), natVia("y", "198.18.0.2", "198.18.0.253"));

    assertPlansAfresh(moved, THREE, Map.of(), 1, AnnouncePlanner.ANYWHERE);
    assertPlansAfresh(regated, THREE, Map.of(), 1, AnnouncePlanner.ANYWHERE);
    assertPlansAfresh(services, Set.of("a", "b"), Map.of(), 1, AnnouncePlanner.ANYWHERE);
    assertPlansAfresh(services, THREE, Map.of(), 2, AnnouncePlanner.ANYWHERE);
    assertPlansAfresh(services, THREE, Map.of("198.18.0.1", List.of("c")), 1, AnnouncePlanner.ANYWHERE);
    assertPlansAfresh(services, THREE, Map.of(), 1, notA);
  }

  private void assertPlansAfresh(List<ServiceCatalog.Entry> in, Set<String> live, Map<String, List<String>> current,
      int standbys, BiPredicate<String, String> may) {
    var before = cache.plan(services, THREE, Map.of(), 1, AnnouncePlanner.ANYWHERE);
    var plan = cache.plan(in, live, current, standbys, may);

    assertThat(plan).as("planned again").isNotSameAs(before)
        .isEqualTo(AnnouncePlanner.plan(in, live, current, standbys, may));
  }
}
