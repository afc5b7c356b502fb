package io.lvsoperator.dataplane.lvs.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.dataplane.lvs.service.Destination;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceHashSchedulerTest {
  @Test
  void aClientAlwaysGetsTheSameServer() {
    List<Destination> d = Dests.weighted(1, 1, 1);
    Scheduler s = new SourceHashScheduler(d);
    Destination first = s.schedule(0xC6130A0A, 1);
    for (int port = 2; port < 50; port++) {
      assertThat(s.schedule(0xC6130A0A, port)).isSameAs(first);
    }
  }

  @Test
  void spreadFollowsWeights() {
    List<Destination> d = Dests.weighted(3, 1);
    Map<Integer, Destination> a = Dests.assignment(new SourceHashScheduler(d), 20_000);
    long heavy = a.values().stream().filter(x -> x == d.get(0)).count();
    assertThat(heavy / 20_000.0).isBetween(0.70, 0.80);
  }

  @Test
  void onlyTheClientsOfAnUnhealthyServerMove() {
    List<Destination> d = Dests.weighted(1, 1, 1);
    Scheduler s = new SourceHashScheduler(d);
    Map<Integer, Destination> before = Dests.assignment(s, 5_000);
    d.get(1).stats().healthy = false;
    Map<Integer, Destination> after = Dests.assignment(s, 5_000);
    before.forEach((client, dest) -> {
      if (dest != d.get(1)) {
        assertThat(after.get(client)).isSameAs(dest);
      } else {
        assertThat(after.get(client)).isNotSameAs(d.get(1));
      }
    });
  }
}
