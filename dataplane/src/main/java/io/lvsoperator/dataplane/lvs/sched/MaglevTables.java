package io.lvsoperator.dataplane.lvs.sched;

import io.lvsoperator.dataplane.lvs.service.Destination;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Maglev tables by what they are made of (each real server's address, port and weight, in
 * order, and the size): services with the same real servers share one table, and a compile
 * reuses the tables of the configuration in force for every service whose real servers did not
 * change, so a change to one of ten thousand services fills one table. Tables are never
 * written once filled. Kept: the tables of the configuration in force and of the one being
 * compiled; {@link #committed} drops the rest, as the compiler's other state.
 */
public final class MaglevTables {
  private volatile Map<Key, short[]> live = new ConcurrentHashMap<>();
  private volatile Map<Key, short[]> next = new ConcurrentHashMap<>();
  private final AtomicLong built = new AtomicLong();
  private final AtomicLong reused = new AtomicLong();

  /** What a table is made of. */
  private record Key(long[] servers, int size) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.size == size && Arrays.equals(k.servers, servers);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(servers) + size;
    }
  }

  /** A compile begins: tables it does not use are dropped when it is committed. */
  public void begin() {
    next = new ConcurrentHashMap<>();
  }

  /** The compile's configuration is in force: its tables are the ones kept. */
  public void committed() {
    live = next;
    next = new ConcurrentHashMap<>();
  }

  /** Safe from several threads of one compile; a table is filled outside any lock. */
  short[] table(Destination[] servers, int size, Supplier<short[]> fill) {
    long[] parts = new long[servers.length];
    for (int i = 0; i < servers.length; i++) {
      Destination d = servers[i];
      parts[i] = (d.address() & 0xffffffffL) << 32 | (long) d.port() << 16 | d.weight();
    }
    Key key = new Key(parts, size);
    Map<Key, short[]> compiling = next;
    short[] table = compiling.get(key);
    if (table == null) {
      table = live.get(key);
      if (table == null) {
        table = fill.get();
        built.incrementAndGet();
      } else {
        reused.incrementAndGet();
      }
      short[] raced = compiling.putIfAbsent(key, table);
      return raced != null ? raced : table;
    }
    reused.incrementAndGet();
    return table;
  }

  /** Tables filled, and tables found already filled, since this director started. */
  public long built() {
    return built.get();
  }

  public long reused() {
    return reused.get();
  }
}
