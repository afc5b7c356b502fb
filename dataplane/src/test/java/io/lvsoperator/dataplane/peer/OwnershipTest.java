package io.lvsoperator.dataplane.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The ownership rule as a pure function: order, liveness, priority. Directors a, b, c are slots 1, 2, 3. */
class OwnershipTest {
  static final int A = 1;
  static final int B = 2;
  static final int C = 3;
  static final int[] ORDER = {A, B, C};

  static IntUnaryOperator view(Map<Integer, Integer> priorities) {
    return d -> priorities.getOrDefault(d, -1);
  }

  @Test
  void theFirstLiveDirectorOfTheOrderAnnounces() {
    assertThat(Ownership.owner(ORDER, view(Map.of(A, 100, B, 100, C, 100)))).isEqualTo(A);
    assertThat(Ownership.owner(ORDER, view(Map.of(B, 100, C, 100)))).as("a is dead").isEqualTo(B);
    assertThat(Ownership.owner(ORDER, view(Map.of(C, 100)))).isEqualTo(C);
    assertThat(Ownership.owner(ORDER, view(Map.of()))).isEqualTo(Ownership.NONE);
    assertThat(Ownership.owner(ORDER, view(Map.of(9, 100)))).as("only the order's directors").isEqualTo(Ownership.NONE);
  }

  @Test
  void aDirectorThatCameBackWaitsItsHoldTimeBeforeItTakesItsAddressesBack() {
    assertThat(Ownership.owner(ORDER, view(Map.of(A, Candidacy.READY, B, 100)))).isEqualTo(B);
    assertThat(Ownership.owner(ORDER, view(Map.of(A, Candidacy.CLAIMING, B, 100)))).isEqualTo(A);
    // nobody claims: a ready director does not leave the address unannounced
    assertThat(Ownership.owner(ORDER, view(Map.of(A, Candidacy.READY, C, Candidacy.READY)))).isEqualTo(A);
  }

  @Test
  void aDirectorWarmingUpOrStoppingNeverAnnounces() {
    assertThat(Ownership.owner(ORDER, view(Map.of(A, Candidacy.WARMING_UP, B, 100)))).isEqualTo(B);
    assertThat(Ownership.owner(ORDER, view(Map.of(A, Candidacy.WARMING_UP)))).isEqualTo(Ownership.NONE);
    assertThat(Ownership.owner(ORDER, view(Map.of(A, Candidacy.STOPPING, C, 100)))).isEqualTo(C);
  }

  /** With one view shared by all, every address has one announcer, and one exactly when someone may. */
  @Property(tries = 500)
  void neverTwoOwnersAndNeverNoneWhenOneMay(@ForAll("orders") List<int[]> orders,
      @ForAll("priorities") Map<Integer, Integer> priorities) {
    IntUnaryOperator v = view(priorities);
    for (int[] order : orders) {
      Map<Integer, Integer> owners = new HashMap<>();
      for (int d = 1; d <= 5; d++) {
        if (Ownership.owner(order, v) == d) {
          owners.merge(d, 1, Integer::sum);
        }
      }
      boolean someoneMay = false;
      for (int d : order) {
        someoneMay |= Candidacy.mayOwn(v.applyAsInt(d));
      }
      assertThat(owners.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(someoneMay ? 1 : 0);
      int owner = Ownership.owner(order, v);
      if (owner != Ownership.NONE) {
        // nobody of the order outranks the owner, nobody earlier ties with it
        int p = v.applyAsInt(owner);
        for (int d : order) {
          if (d == owner) {
            break;
          }
          assertThat(v.applyAsInt(d)).isLessThan(p);
        }
      }
    }
  }

  @Provide
  Arbitrary<List<int[]>> orders() {
    return Arbitraries.integers().between(1, 5).list().uniqueElements().ofMinSize(1).ofMaxSize(4)
        .map(l -> l.stream().mapToInt(Integer::intValue).toArray()).list().ofMaxSize(8);
  }

  @Provide
  Arbitrary<Map<Integer, Integer>> priorities() {
    return Arbitraries.maps(Arbitraries.integers().between(1, 5),
        Arbitraries.of(-1, Candidacy.STOPPING, Candidacy.WARMING_UP, Candidacy.READY, Candidacy.CLAIMING));
  }
}
