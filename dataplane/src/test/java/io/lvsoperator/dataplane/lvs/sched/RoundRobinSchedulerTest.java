package io.lvsoperator.dataplane.lvs.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.dataplane.lvs.service.Destination;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundRobinSchedulerTest {
  @Test
  void takesEachAvailableServerInTurn() {
    List<Destination> d = Dests.weighted(1, 5, 1);
    Scheduler s = new RoundRobinScheduler(d);
    assertThat(Dests.spread(s, d, 30)).containsExactly(10, 10, 10);
  }

  @Test
  void skipsWeightZeroAndUnhealthyAndGivesNullWhenNoneLeft() {
    List<Destination> d = Dests.weighted(1, 0, 1);
    Scheduler s = new RoundRobinScheduler(d);
    assertThat(Dests.spread(s, d, 10)).containsExactly(5, 0, 5);
    d.get(0).stats().healthy = false;
    assertThat(Dests.spread(s, d, 4)).containsExactly(0, 0, 4);
    d.get(2).stats().healthy = false;
    assertThat(s.schedule(1, 1)).isNull();
  }
}
