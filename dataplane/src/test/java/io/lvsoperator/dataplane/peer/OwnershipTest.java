package io.lvsoperator.dataplane.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The ownership rule as a pure function: order, liveness, priority. */
class OwnershipTest {
  static final List<String> ORDER = List.of("a", "b", "c");

  static Ownership.View view(Map<String, Integer> priorities) {
    return d -> priorities.getOrDefault(d, -1);
  }

  @Test
  void theFirstLiveDirectorOfTheOrderAnnounces() {
    assertThat(Ownership.owner(ORDER, view(Map.of("a", 100, "b", 100, "c", 100)))).isEqualTo("a");
    assertThat(Ownership.owner(ORDER, view(Map.of("b", 100, "c", 100)))).as("a is dead").isEqualTo("b");
    assertThat(Ownership.owner(ORDER, view(Map.of("c", 100)))).isEqualTo("c");
    assertThat(Ownership.owner(ORDER, view(Map.of()))).isNull();
    assertThat(Ownership.owner(ORDER, view(Map.of("x", 100)))).as("only the order's directors").isNull();
  }

  @Test
  void aDirectorThatCameBackWaitsItsHoldTimeBeforeItTakesItsAddressesBack() {
    assertThat(Ownership.owner(ORDER, view(Map.of("a", Candidacy.READY, "b", 100)))).isEqualTo("b");
    assertThat(Ownership.owner(ORDER, view(Map.of("a", Candidacy.CLAIMING, "b", 100)))).isEqualTo("a");
    // nobody claims: a ready director does not leave the address unannounced
    assertThat(Ownership.owner(ORDER, view(Map.of("a", Candidacy.READY, "c", Candidacy.READY)))).isEqualTo("a");
  }

  @Test
  void aDirectorWarmingUpOrStoppingNeverAnnounces() {
    assertThat(Ownership.owner(ORDER, view(Map.of("a", Candidacy.WARMING_UP, "b", 100)))).isEqualTo("b");
    assertThat(Ownership.owner(ORDER, view(Map.of("a", Candidacy.WARMING_UP)))).isNull();
    assertThat(Ownership.owner(ORDER, view(Map.of("a", Candidacy.STOPPING, "c", 100)))).isEqualTo("c");
  }

  @Test
  void eachDirectorAnnouncesTheAddressesItOwns() {
    Map<String, List<String>> orders = Map.of("198.18.0.100", List.of("a", "b"), "198.18.0.101", List.of("b", "a"),
        "198.18.0.102", List.of("c", "a"));
    Ownership.View v = view(Map.of("a", 100, "b", 100));
    assertThat(Ownership.announcedBy("a", orders, v)).containsExactly("198.18.0.100", "198.18.0.102");
    assertThat(Ownership.announcedBy("b", orders, v)).containsExactly("198.18.0.101");
  }

  /** With one view shared by all, every address has one announcer, and one exactly when someone may. */
  @Property(tries = 500)
  void neverTwoOwnersAndNeverNoneWhenOneMay(@ForAll("orders") Map<String, List<String>> orders,
      @ForAll("priorities") Map<String, Integer> priorities) {
    Ownership.View v = view(priorities);
    Map<String, Integer> owners = new HashMap<>();
    for (String d : List.of("a", "b", "c", "d", "e")) {
      Ownership.announcedBy(d, orders, v).forEach(address -> owners.merge(address, 1, Integer::sum));
    }
    orders.forEach((address, order) -> {
      boolean someoneMay = order.stream().anyMatch(d -> Candidacy.mayOwn(v.priority(d)));
      assertThat(owners.getOrDefault(address, 0)).as("%s %s %s", address, order, priorities)
          .isEqualTo(someoneMay ? 1 : 0);
    });
  }

  @Provide
  Arbitrary<Map<String, List<String>>> orders() {
    Arbitrary<List<String>> order = Arbitraries.of("a", "b", "c", "d", "e").list().uniqueElements().ofMinSize(1)
        .ofMaxSize(4);
    return order.list().ofMaxSize(8).map(list -> {
      Map<String, List<String>> m = new HashMap<>();
      for (int i = 0; i < list.size(); i++) {
        m.put("198.18.1." + i, new ArrayList<>(list.get(i)));
      }
      return m;
    });
  }

  @Provide
  Arbitrary<Map<String, Integer>> priorities() {
    Arbitrary<Integer> p = Arbitraries.of(-1, Candidacy.STOPPING, Candidacy.WARMING_UP, Candidacy.READY,
        Candidacy.CLAIMING);
    return Combinators.combine(p, p, p, p, p).as((a, b, c, d, e) -> {
      Map<String, Integer> m = new HashMap<>();
      m.put("a", a);
      m.put("b", b);
      m.put("c", c);
      m.put("d", d);
      m.put("e", e);
      return m;
    });
  }
}
