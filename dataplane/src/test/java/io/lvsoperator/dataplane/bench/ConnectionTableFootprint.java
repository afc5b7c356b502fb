package io.lvsoperator.dataplane.bench;

import io.lvsoperator.dataplane.lvs.conn.ConnectionTable;
import io.lvsoperator.dataplane.lvs.conn.TcpState;
import io.lvsoperator.dataplane.lvs.service.Destination;
import io.lvsoperator.dataplane.lvs.service.DestinationStats;

/**
 * Heap taken by a connection table holding N live entries (default 1,000,000): used heap after a
 * full GC, with the table, minus the same without it. Prints MiB and bytes per entry.
 */
public final class ConnectionTableFootprint {
  private ConnectionTableFootprint() {}

  static long usedAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 4; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    long before = usedAfterGc();
    ConnectionTable table = new ConnectionTable(n);
    Destination d = new Destination(0xC612000B, 80, 1, new DestinationStats());
    for (int i = 0; i < n; i++) {
      table.insert(6, 0xC6130000 + i, 1024 + (i & 0x7fff), 0xC6120064, 80, d, 80, 0, TcpState.ESTABLISHED,
          Long.MAX_VALUE / 4, true, 0);
    }
    long after = usedAfterGc();
    System.out.printf("connection table: %d entries, %.1f MiB, %.1f bytes per entry (size %d)%n", n,
        (after - before) / 1048576.0, (after - before) / (double) n, table.size());
  }
}
