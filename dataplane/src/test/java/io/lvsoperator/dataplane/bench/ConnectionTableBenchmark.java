package io.lvsoperator.dataplane.bench;

import io.lvsoperator.dataplane.lvs.conn.ConnectionTable;
import io.lvsoperator.dataplane.lvs.conn.TcpState;
import io.lvsoperator.dataplane.lvs.service.Destination;
import io.lvsoperator.dataplane.lvs.service.DestinationStats;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Connection table lookups and inserts at several fill levels: O(1) means the cost per operation
 * stays flat from ten thousand to a million entries. Churn inserts into a full table, so every
 * insert also evicts. Run with dataplane/bench/conntable.sh (add -prof gc to see allocation).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class ConnectionTableBenchmark {
  private static final int TCP = 6;
  private static final long TIMEOUT = TimeUnit.SECONDS.toNanos(900);

  @Param({"10000", "100000", "1000000"})
  public int entries;

  private ConnectionTable table;
  private Destination dest;
  private int[] clients;
  private int next;
  private int churn;
  private long now;

  @Setup(Level.Trial)
  public void fill() {
    table = new ConnectionTable(entries);
    dest = new Destination(0xC612000B, 80, 1, new DestinationStats());
    clients = new int[entries];
    for (int i = 0; i < entries; i++) {
      // distinct client IP and port per flow, as many clients behind one VIP
      clients[i] = 0xC6130000 + i;
      table.insert(TCP, clients[i], 1024 + (i & 0x7fff), 0xC6120064, 80, dest, 80, 0, TcpState.ESTABLISHED, TIMEOUT,
          true, now);
    }
  }

  @Benchmark
  public int lookupHit() {
    int i = next;
    next = i + 1 == entries ? 0 : i + 1;
    return table.lookupIn(TCP, clients[i], 1024 + (i & 0x7fff), 0xC6120064, 80, now);
  }

  @Benchmark
  public int lookupMiss() {
    int i = next;
    next = i + 1 == entries ? 0 : i + 1;
    return table.lookupIn(TCP, clients[i], 40000, 0xC6120064, 443, now);
  }

  @Benchmark
  public int insertIntoFullTable() {
    // the table is full: each insert evicts the entry closest to expiry among a few sampled
    int c = 0x0A000000 + churn++;
    return table.insert(TCP, c, 2000, 0xC6120064, 80, dest, 80, 0, TcpState.SYN_RECV, TIMEOUT, true, now);
  }
}
