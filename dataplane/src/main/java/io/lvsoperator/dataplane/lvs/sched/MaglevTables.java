package io.lvsoperator.dataplane.lvs.sched;

import io.lvsoperator.dataplane.lvs.service.Destination;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maglev tables by what they are made of (each real server's address, port and weight, in
 * order, and the size): services with the same real servers share one table, and a compile
 * reuses the tables of the configuration in force for every service whose real servers did not
 * change, so a change to one of ten thousand services makes one table. Kept: the tables of the
 * configuration in force and of the one being compiled; {@link #committed} drops the rest, as
 * the compiler's other state.
 *
 * <p>A compile makes its new tables empty; once it is in force, one background thread fills
 * them (a packet that needs a table first fills it itself, see {@link MaglevTable}). A newer
 * configuration in force ends the filling of an older one: its tables are filled by the newer
 * round, or were dropped.
 */
public final class MaglevTables {
  private static final Logger LOG = LoggerFactory.getLogger(MaglevTables.class);
  /** One thread for every director in the JVM: filling is background work. */
  private static final ExecutorService FILLER = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "maglev-fill");
    t.setDaemon(true);
    return t;
  });

  private volatile Map<Key, MaglevTable> live = new ConcurrentHashMap<>();
  private volatile Map<Key, MaglevTable> next = new ConcurrentHashMap<>();
  private final AtomicLong built = new AtomicLong();
  private final AtomicLong reused = new AtomicLong();
  private final AtomicLong round = new AtomicLong();

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

  /** The compile's configuration is in force: its tables are the ones kept, and filled. */
  public void committed() {
    live = next;
    next = new ConcurrentHashMap<>();
    long mine = round.incrementAndGet();
    Map<Key, MaglevTable> tables = live;
    if (tables.values().stream().anyMatch(t -> !t.filled())) {
      FILLER.execute(() -> fill(tables, mine));
    }
  }

  private void fill(Map<Key, MaglevTable> tables, long mine) {
    long start = System.nanoTime();
    int filled = 0;
    for (MaglevTable t : tables.values()) {
      if (round.get() != mine) {
        return; // a newer configuration is in force: its round fills what is still needed
      }
      if (!t.filled()) {
        t.fill();
        filled++;
      }
    }
    if (filled > 0) {
      LOG.info("filled {} Maglev tables in {} ms", filled, (System.nanoTime() - start) / 1_000_000);
    }
  }

  /** Fills every table of the configuration in force now, in this thread (tests, benchmarks). */
  public void fillNow() {
    live.values().forEach(MaglevTable::fill);
  }

  /** Safe from several threads of one compile; the table is made empty, and filled later. */
  MaglevTable table(Destination[] servers, int size) {
    long[] parts = new long[servers.length];
    for (int i = 0; i < servers.length; i++) {
      Destination d = servers[i];
      parts[i] = (d.address() & 0xffffffffL) << 32 | (long) d.port() << 16 | d.weight();
    }
    Key key = new Key(parts, size);
    Map<Key, MaglevTable> compiling = next;
    MaglevTable table = compiling.get(key);
    if (table == null) {
      table = live.get(key);
      if (table == null) {
        table = new MaglevTable(servers, size);
        built.incrementAndGet();
      } else {
        reused.incrementAndGet();
      }
      MaglevTable raced = compiling.putIfAbsent(key, table);
      return raced != null ? raced : table;
    }
    reused.incrementAndGet();
    return table;
  }

  /** Tables made, and tables found already made, since this director started. */
  public long built() {
    return built.get();
  }

  public long reused() {
    return reused.get();
  }
}
