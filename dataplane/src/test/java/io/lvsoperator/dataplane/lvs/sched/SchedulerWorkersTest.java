package io.lvsoperator.dataplane.lvs.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.dataplane.lvs.service.Destination;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * One scheduler serves a service for every engine worker (docs/architecture.md, "Workers"): the
 * ones with state between calls keep it whole when two workers schedule at once, so each server
 * still gets exactly its share of a whole number of cycles, and none fails.
 */
class SchedulerWorkersTest {
  static final int THREADS = 2;
  static final int PICKS = 3_000_000;

  static int[] scheduledTogether(Function<List<Destination>, Scheduler> make, List<Destination> d)
      throws Exception {
    Scheduler s = make.apply(d);
    int[][] counts = new int[THREADS][d.size()];
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch start = new CountDownLatch(1);
    Thread[] threads = new Thread[THREADS];
    for (int t = 0; t < THREADS; t++) {
      int[] mine = counts[t];
      threads[t] = new Thread(() -> {
        try {
          start.await();
          for (int i = 0; i < PICKS; i++) {
            mine[d.indexOf(s.schedule(i, i))]++;
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      });
      threads[t].start();
    }
    start.countDown();
    for (Thread t : threads) {
      t.join(60_000);
    }
    assertThat(failure.get()).isNull();
    int[] total = new int[d.size()];
    for (int[] c : counts) {
      for (int i = 0; i < total.length; i++) {
        total[i] += c[i];
      }
    }
    return total;
  }

  @Test
  void roundRobinFromTwoWorkersAtOnce() throws Exception {
    // 6,000,000 picks: 2,000,000 cycles of three
    assertThat(scheduledTogether(RoundRobinScheduler::new, Dests.weighted(1, 1, 1)))
        .containsExactly(2_000_000, 2_000_000, 2_000_000);
  }

  @Test
  void weightedRoundRobinFromTwoWorkersAtOnce() throws Exception {
    // 6,000,000 picks: 1,000,000 cycles of 3 + 2 + 1
    assertThat(scheduledTogether(WeightedRoundRobinScheduler::new, Dests.weighted(3, 2, 1)))
        .containsExactly(3_000_000, 2_000_000, 1_000_000);
  }
}
