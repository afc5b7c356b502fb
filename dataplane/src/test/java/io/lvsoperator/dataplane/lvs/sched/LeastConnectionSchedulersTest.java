package io.lvsoperator.dataplane.lvs.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.dataplane.lvs.service.Destination;
import java.util.List;
import org.junit.jupiter.api.Test;

/** lc and wlc: overhead = 256 x active + inactive, per unit of weight for wlc. */
class LeastConnectionSchedulersTest {
  @Test
  void lcPicksTheLeastOverhead() {
    List<Destination> d = Dests.weighted(1, 1, 1);
    connections(d.get(0).stats(), true, 1);
    connections(d.get(1).stats(), false, 200); // 200 idle entries weigh less than one active
    connections(d.get(2).stats(), true, 2);
    assertThat(new LeastConnectionScheduler(d).schedule(1, 1)).isSameAs(d.get(1));
  }

  @Test
  void lcBreaksTiesByOrderAndSkipsUnavailable() {
    List<Destination> d = Dests.weighted(1, 0, 1);
    Scheduler s = new LeastConnectionScheduler(d);
    assertThat(s.schedule(1, 1)).isSameAs(d.get(0));
    d.get(0).stats().healthy = false;
    assertThat(s.schedule(1, 1)).isSameAs(d.get(2));
    d.get(2).stats().healthy = false;
    assertThat(s.schedule(1, 1)).isNull();
  }

  @Test
  void wlcWeighsTheLoad() {
    List<Destination> d = Dests.weighted(3, 1);
    connections(d.get(0).stats(), true, 2); // 2/3 per weight
    connections(d.get(1).stats(), true, 1); // 1/1
    Scheduler s = new WeightedLeastConnectionScheduler(d);
    assertThat(s.schedule(1, 1)).isSameAs(d.get(0));
    connections(d.get(0).stats(), true, 2); // now 4/3 > 1/1
    assertThat(s.schedule(1, 1)).isSameAs(d.get(1));
  }

  @Test
  void wlcFillsServersInProportionToWeight() {
    List<Destination> d = Dests.weighted(2, 1);
    Scheduler s = new WeightedLeastConnectionScheduler(d);
    for (int i = 0; i < 30; i++) {
      s.schedule(i, i).stats().opened(0, true);
    }
    assertThat(d.get(0).stats().activeConnections()).isEqualTo(20);
    assertThat(d.get(1).stats().activeConnections()).isEqualTo(10);
  }

  /** {@code n} more open connections, ESTABLISHED or not. */
  static void connections(io.lvsoperator.dataplane.lvs.service.DestinationStats stats, boolean active, int n) {
    for (int i = 0; i < n; i++) {
      stats.opened(0, active);
    }
  }
}
