package io.lvsoperator.dataplane.lvs.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.dataplane.lvs.service.Destination;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MaglevSchedulerTest {
  static final int CLIENTS = 100_000;

  @Test
  void directorsWithTheSameServersAgreeWhateverTheListOrder() {
    List<Destination> d = Dests.weighted(1, 1, 1, 1, 1);
    List<Destination> shuffled = new ArrayList<>(d);
    Collections.reverse(shuffled);
    Map<Integer, Destination> a = Dests.assignment(new MaglevScheduler(d), CLIENTS);
    Map<Integer, Destination> b = Dests.assignment(new MaglevScheduler(shuffled), CLIENTS);
    assertThat(b).isEqualTo(a);
  }

  @Test
  void spreadFollowsWeightsAndWeightZeroGetsNothing() {
    List<Destination> d = Dests.weighted(2, 1, 1, 0);
    Map<Integer, Destination> a = Dests.assignment(new MaglevScheduler(d), CLIENTS);
    double[] share = new double[4];
    a.values().forEach(x -> share[d.indexOf(x)] += 1.0 / CLIENTS);
    assertThat(share[0]).isBetween(0.47, 0.53);
    assertThat(share[1]).isBetween(0.22, 0.28);
    assertThat(share[2]).isBetween(0.22, 0.28);
    assertThat(share[3]).isZero();
  }

  @Test
  void removingOneOfFiveMovesAlmostOnlyItsOwnClients() {
    List<Destination> five = Dests.weighted(1, 1, 1, 1, 1);
    Map<Integer, Destination> before = Dests.assignment(new MaglevScheduler(five), CLIENTS);
    Destination gone = five.get(2);
    List<Destination> four = new ArrayList<>(five);
    four.remove(gone);
    Map<Integer, Destination> after = Dests.assignment(new MaglevScheduler(four), CLIENTS);
    long stayed = 0;
    long movedNeedlessly = 0;
    for (var e : before.entrySet()) {
      if (e.getValue() == gone) {
        continue;
      }
      stayed++;
      if (after.get(e.getKey()) != e.getValue()) {
        movedNeedlessly++;
      }
    }
    // ideal is 0; Maglev trades a little disruption for even spread (the paper: a few percent)
    assertThat((double) movedNeedlessly / stayed).isLessThan(0.05);
  }

  @Test
  void theTableIsSizedToTheServiceAndGrowsOnce() {
    assertThat(new MaglevScheduler(Dests.weighted(1, 1)).tableSize()).isEqualTo(MaglevScheduler.SMALL_TABLE);
    assertThat(new MaglevScheduler(Dests.weighted(new int[40])).tableSize()).as("weight 0 takes no slot")
        .isEqualTo(0);
    int[] forty = new int[40];
    java.util.Arrays.fill(forty, 1);
    assertThat(new MaglevScheduler(Dests.weighted(forty)).tableSize()).isEqualTo(MaglevScheduler.SMALL_TABLE);
    int[] fortyOne = new int[41];
    java.util.Arrays.fill(fortyOne, 1);
    assertThat(new MaglevScheduler(Dests.weighted(fortyOne)).tableSize()).isEqualTo(MaglevScheduler.LARGE_TABLE);
  }

  @Test
  void sixteenServersInTheSmallTableShareWithinAFewPercent() {
    int[] weights = new int[16];
    java.util.Arrays.fill(weights, 1);
    List<Destination> d = Dests.weighted(weights);
    Map<Integer, Destination> a = Dests.assignment(new MaglevScheduler(d), CLIENTS);
    double[] share = new double[16];
    a.values().forEach(x -> share[d.indexOf(x)] += 1.0 / CLIENTS);
    for (double s : share) {
      assertThat(s).isBetween(1.0 / 16 * 0.9, 1.0 / 16 * 1.1);
    }
  }

  @Test
  void anUnhealthyServersClientsMoveAndTheRestStay() {
    List<Destination> d = Dests.weighted(1, 1, 1);
    Scheduler s = new MaglevScheduler(d, 251);
    Map<Integer, Destination> before = Dests.assignment(s, 5_000);
    d.get(0).stats().healthy = false;
    Map<Integer, Destination> after = Dests.assignment(s, 5_000);
    before.forEach((client, dest) -> {
      if (dest != d.get(0)) {
        assertThat(after.get(client)).isSameAs(dest);
      } else {
        assertThat(after.get(client)).isNotSameAs(d.get(0));
      }
    });
    d.get(1).stats().healthy = false;
    d.get(2).stats().healthy = false;
    assertThat(s.schedule(1, 1)).isNull();
    assertThat(new MaglevScheduler(List.of()).schedule(1, 1)).isNull();
  }
}
