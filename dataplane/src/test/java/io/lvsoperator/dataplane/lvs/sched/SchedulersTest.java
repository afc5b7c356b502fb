package io.lvsoperator.dataplane.lvs.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.v1alpha1.SchedulerName;
import org.junit.jupiter.api.Test;

class SchedulersTest {
  @Test
  void eachIpvsNameMakesItsScheduler() {
    var d = Dests.weighted(1, 2);
    assertThat(Schedulers.create(SchedulerName.RR, d)).isInstanceOf(RoundRobinScheduler.class);
    assertThat(Schedulers.create(SchedulerName.WRR, d)).isInstanceOf(WeightedRoundRobinScheduler.class);
    assertThat(Schedulers.create(SchedulerName.LC, d)).isInstanceOf(LeastConnectionScheduler.class);
    assertThat(Schedulers.create(SchedulerName.WLC, d)).isInstanceOf(WeightedLeastConnectionScheduler.class);
    assertThat(Schedulers.create(SchedulerName.SH, d)).isInstanceOf(SourceHashScheduler.class);
    assertThat(Schedulers.create(SchedulerName.MH, d)).isInstanceOf(MaglevScheduler.class);
  }
}
