package io.lvsoperator.dataplane.lvs.sched;

import io.lvsoperator.dataplane.lvs.service.Destination;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * mh: Maglev consistent hashing (Eisenbud et al., NSDI 2016). Each real server walks its own
 * permutation of a prime-sized table, derived from its address and port only, and the servers
 * take turns claiming free slots, a server of weight w taking w slots a turn. Every director
 * with the same real servers builds the same table, and removing one of N servers moves about
 * 1/N of the clients: those it had. The table holds a hundred slots per real server (the Maglev
 * paper's M >= 100 N keeps every server within about 1% of its share) in one of two sizes:
 * 4,093 slots up to 40 real servers, 65,521 beyond. Two sizes, not one per count, because a
 * new size reshuffles every client: a service crosses that line at most once, not at 3, 6, 11...
 * servers. With 2-byte slots, 10,000 services of 16 real servers take 80 MiB on a director, not
 * the 2.5 GiB of a 65,537-slot int table each; the size depends only on the real servers, so
 * every director still builds the same table.
 */
public final class MaglevScheduler implements Scheduler {
  public static final int SMALL_TABLE = 4_093;
  public static final int LARGE_TABLE = 65_521;
  static final int SLOTS_PER_SERVER = 100;
  private static final int OFFSET_SEED = 0x4d41;
  private static final int SKIP_SEED = 0x474c;
  private static final int LOOKUP_SEED = 0x4c42;

  private final Destination[] dests;
  /** Index into {@link #dests} per slot: a short, as a service has at most 1,024 real servers. */
  private final short[] table;

  public MaglevScheduler(List<Destination> destinations) {
    this(destinations, null);
  }

  /** @param tables where identical tables are shared and kept across compiles; null: none */
  public MaglevScheduler(List<Destination> destinations, MaglevTables tables) {
    this(destinations, tableSizeFor((int) destinations.stream().filter(d -> d.weight() > 0).count()), tables);
  }

  /** The small table while it holds {@value #SLOTS_PER_SERVER} slots per server, else the large one. */
  public static int tableSizeFor(int servers) {
    return (long) servers * SLOTS_PER_SERVER <= SMALL_TABLE ? SMALL_TABLE : LARGE_TABLE;
  }

  /** @param tableSize a prime, well above the number of real servers */
  public MaglevScheduler(List<Destination> destinations, int tableSize) {
    this(destinations, tableSize, null);
  }

  private MaglevScheduler(List<Destination> destinations, int tableSize, MaglevTables tables) {
    // order by identity, not by list order, so every director agrees on the table
    dests = destinations.stream().filter(d -> d.weight() > 0)
        .sorted(Comparator.comparingLong((Destination d) -> d.address() & 0xffffffffL).thenComparingInt(Destination::port))
        .toArray(Destination[]::new);
    if (dests.length > Short.MAX_VALUE) {
      throw new IllegalArgumentException("mh takes at most " + Short.MAX_VALUE + " real servers");
    }
    if (dests.length == 0) {
      table = new short[0];
    } else if (tables == null) {
      table = populate(dests, tableSize);
    } else {
      table = tables.table(dests, tableSize, () -> populate(dests, tableSize));
    }
  }

  /**
   * Fills the table. Each server walks offset, offset + skip, ... (mod m) and claims the first
   * free slot it reaches; the walk is kept as a position advanced by additions (no division per
   * probe): filling a table takes about m ln m probes, ten thousand tables at every director start.
   */
  private static short[] populate(Destination[] dests, int m) {
    short[] table = new short[m];
    int n = dests.length;
    int[] position = new int[n];
    int[] skip = new int[n];
    int g = 0;
    for (Destination d : dests) {
      g = WeightedRoundRobinScheduler.gcd(g, d.weight());
    }
    int[] turns = new int[n];
    for (int i = 0; i < n; i++) {
      int key = dests[i].address() * 31 + dests[i].port();
      position[i] = Hashing.hash(key, OFFSET_SEED) % m;
      skip[i] = Hashing.hash(key, SKIP_SEED) % (m - 1) + 1;
      turns[i] = dests[i].weight() / g;
    }
    Arrays.fill(table, (short) -1);
    int filled = 0;
    while (true) {
      for (int i = 0; i < n; i++) {
        int p = position[i];
        int step = skip[i];
        for (int turn = turns[i]; turn > 0; turn--) {
          while (table[p] >= 0) {
            p += step;
            if (p >= m) {
              p -= m;
            }
          }
          table[p] = (short) i;
          p += step;
          if (p >= m) {
            p -= m;
          }
          if (++filled == m) {
            return table;
          }
        }
        position[i] = p;
      }
    }
  }

  public int tableSize() {
    return table.length;
  }

  @Override
  public Destination schedule(int clientIp, int clientPort) {
    if (table.length == 0) {
      return null;
    }
    int slot = Hashing.hash(clientIp, LOOKUP_SEED) % table.length;
    Destination d = dests[table[slot]];
    if (d.available()) {
      return d;
    }
    if (!anyAvailable()) {
      return null;
    }
    // an unavailable server's clients go to the owners of the following slots; others stay put
    for (int n = 1; ; n++) {
      d = dests[table[(slot + n) % table.length]];
      if (d.available()) {
        return d;
      }
    }
  }

  private boolean anyAvailable() {
    for (Destination d : dests) {
      if (d.available()) {
        return true;
      }
    }
    return false;
  }
}
