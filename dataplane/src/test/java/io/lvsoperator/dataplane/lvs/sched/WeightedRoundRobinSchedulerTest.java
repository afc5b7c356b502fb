package io.lvsoperator.dataplane.lvs.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.dataplane.lvs.service.Destination;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class WeightedRoundRobinSchedulerTest {
  @Test
  void givesEachServerItsWeightPerCycleInterleaved() {
    List<Destination> d = Dests.weighted(3, 2, 1);
    Scheduler s = new WeightedRoundRobinScheduler(d);
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      order.add(d.indexOf(s.schedule(i, i)));
    }
    // IPVS order for 3:2:1: the heaviest first, then the weight levels step down
    assertThat(order).containsExactly(0, 0, 1, 0, 1, 2);
  }

  @Test
  void weightZeroGetsNothing() {
    List<Destination> d = Dests.weighted(4, 0, 2);
    assertThat(Dests.spread(new WeightedRoundRobinScheduler(d), d, 60)).containsExactly(40, 0, 20);
  }

  @Test
  void unhealthyServersAreSkippedAndNullWhenNoneLeft() {
    List<Destination> d = Dests.weighted(2, 1);
    Scheduler s = new WeightedRoundRobinScheduler(d);
    d.get(0).stats().healthy = false;
    assertThat(Dests.spread(s, d, 9)).containsExactly(0, 9);
    d.get(1).stats().healthy = false;
    assertThat(s.schedule(1, 1)).isNull();
    assertThat(new WeightedRoundRobinScheduler(Dests.weighted(0, 0)).schedule(1, 1)).isNull();
  }

  @Property(tries = 200)
  void everyCycleMatchesTheWeightsExactly(
      @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 0, max = 20) Integer> weights,
      @ForAll @IntRange(min = 1, max = 4) int cycles) {
    int[] w = weights.stream().mapToInt(Integer::intValue).toArray();
    int sum = weights.stream().mapToInt(Integer::intValue).sum();
    if (sum == 0) {
      return;
    }
    List<Destination> d = Dests.weighted(w);
    int[] got = Dests.spread(new WeightedRoundRobinScheduler(d), d, sum * cycles);
    for (int i = 0; i < w.length; i++) {
      assertThat(got[i]).as("server %d of %s", i, weights).isEqualTo(w[i] * cycles);
    }
  }
}
