package io.lvsoperator.dataplane.lvs.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Workers count in stripes of their own, with plain writes: what each counted is all there in the
 * sums, however the threads interleave (docs/architecture.md, "Workers").
 */
class DestinationStatsTest {
  @Test
  void workersCountingAtOnceLoseNothing() throws Exception {
    int workers = 4;
    int rounds = 1_000_000;
    DestinationStats stats = new DestinationStats(workers);
    CountDownLatch start = new CountDownLatch(1);
    Thread[] threads = new Thread[workers];
    for (int w = 0; w < workers; w++) {
      int worker = w;
      threads[w] = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < rounds; i++) {
          stats.opened(worker, false);
          stats.sent(worker, 100);
          stats.moved(worker, true);
          if (i % 2 == 0) {
            stats.closed(worker, true);
          }
        }
      });
      threads[w].start();
    }
    start.countDown();
    for (Thread t : threads) {
      t.join();
    }
    assertThat(stats.totalConnections()).isEqualTo((long) workers * rounds);
    assertThat(stats.activeConnections()).isEqualTo(workers * rounds / 2);
    assertThat(stats.inactiveConnections()).isZero();
    assertThat(stats.packets()).isEqualTo((long) workers * rounds);
    assertThat(stats.bytes()).isEqualTo(100L * workers * rounds);
  }

  @Test
  void oneWorkerCountsAsBefore() {
    DestinationStats stats = new DestinationStats();
    stats.opened(0, false);
    stats.opened(0, true);
    stats.moved(0, true);
    stats.closed(0, true);
    stats.sent(0, 60);
    assertThat(stats.workers()).isEqualTo(1);
    assertThat(stats.totalConnections()).isEqualTo(2);
    assertThat(stats.activeConnections()).isEqualTo(1);
    assertThat(stats.inactiveConnections()).isZero();
    assertThat(stats.packets()).isEqualTo(1);
    assertThat(stats.bytes()).isEqualTo(60);
  }
}
