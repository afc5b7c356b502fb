package io.lvsoperator.dataplane.lvs.conn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvsoperator.dataplane.lvs.sched.Hashing;
import java.util.HashSet;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * A worker gives out only the ports of its share (equal to its index modulo the workers), which
 * the fanout program hands the replies of back to it; one worker keeps the whole range and the
 * flow port every director computes (docs/architecture.md, "Workers").
 */
class LocalPortsTest {
  static final int TCP = 6;

  @Property(tries = 200)
  void aWorkerPicksOnlyPortsOfItsShare(@ForAll @IntRange(min = 1, max = 8) int workers,
      @ForAll @IntRange(min = 0, max = 7) int index, @ForAll int client, @ForAll @IntRange(min = 1, max = 65535) int cport,
      @ForAll @IntRange(min = 1, max = 65535) int rport) {
    int worker = index % workers;
    LocalPorts ports = new LocalPorts().share(worker, workers);
    ConnectionTable table = new ConnectionTable(1024, 1);
    int picked = ports.pick(table, TCP, 0xc6120b01, rport, 0xc6120002, client, cport, 0);
    int flow = ports.flowPort(client, cport, rport);
    for (int port : new int[] {picked, flow}) {
      assertThat(port).isBetween(LocalPorts.DEFAULT_FIRST, LocalPorts.DEFAULT_LAST);
      assertThat(port % workers).as("port %d of worker %d of %d", port, worker, workers).isEqualTo(worker);
    }
    assertThat(picked).as("the flow's own port first, when free").isEqualTo(flow);
  }

  @Test
  void theSharesOfAllWorkersCoverTheRangeOnce() {
    for (int workers = 1; workers <= 8; workers++) {
      Set<Integer> seen = new HashSet<>();
      for (int worker = 0; worker < workers; worker++) {
        LocalPorts share = new LocalPorts(100, 1099, 3, worker, workers);
        Set<Integer> mine = new HashSet<>();
        for (int i = 0; i < 40_000; i++) {
          mine.add(share.flowPort(0xc6130000 + i * 7919, 1024 + i % 60_000, 80));
        }
        int w = worker;
        int n = workers;
        assertThat(mine).allMatch(p -> p >= 100 && p <= 1099 && p % n == w);
        assertThat(mine).as("worker %d of %d: its whole share", worker, workers).hasSize(
            (int) java.util.stream.IntStream.rangeClosed(100, 1099).filter(p -> p % n == w).count());
        seen.addAll(mine);
      }
      assertThat(seen).as("%d workers", workers).hasSize(1000);
    }
  }

  @Test
  void oneWorkerKeepsTheFlowPortEveryDirectorComputes() {
    LocalPorts one = new LocalPorts();
    for (int i = 0; i < 1000; i++) {
      int cip = 0xc6130000 + i * 7919;
      int cport = 1024 + i * 31;
      long hash = Hashing.mix(Hashing.mix(cip) ^ (cport << 16 | 8080)) & 0xffffffffL;
      int before = LocalPorts.DEFAULT_FIRST + (int) (hash % (LocalPorts.DEFAULT_LAST - LocalPorts.DEFAULT_FIRST + 1));
      assertThat(one.flowPort(cip, cport, 8080)).isEqualTo(before);
    }
  }

  @Test
  void aRangeSmallerThanTheWorkersIsRefused() {
    assertThatThrownBy(() -> new LocalPorts(61000, 61002, 1, 0, 4)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fewer ports than the 4 workers");
    assertThatThrownBy(() -> new LocalPorts(61000, 62000, 1, 4, 4)).isInstanceOf(IllegalArgumentException.class);
  }
}
