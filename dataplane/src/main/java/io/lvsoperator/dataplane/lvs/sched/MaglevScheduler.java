package io.lvsoperator.dataplane.lvs.sched;

import io.lvsoperator.dataplane.lvs.service.Destination;
import java.util.Comparator;
import java.util.List;

/**
 * mh: Maglev consistent hashing (Eisenbud et al., NSDI 2016) over a {@link MaglevTable}:
 * removing one of N servers moves about 1/N of the clients, those it had. The table holds a
 * hundred slots per real server (the Maglev paper's M >= 100 N keeps every server within about
 * 1% of its share) in one of two sizes: 4,093 slots up to 40 real servers, 65,521 beyond. Two
 * sizes, not one per count, because a new size reshuffles every client: a service crosses that
 * line at most once, not at 3, 6, 11... servers. With one-byte slots, 10,000 services of 16 real
 * servers take 40 MiB on a director, not the 2.5 GiB of a 65,537-slot int table each; the size
 * depends only on the real servers, so every director still builds the same table.
 */
public final class MaglevScheduler implements Scheduler {
  public static final int SMALL_TABLE = 4_093;
  public static final int LARGE_TABLE = 65_521;
  static final int SLOTS_PER_SERVER = 100;
  private static final int LOOKUP_SEED = 0x4c42;

  private final Destination[] dests;
  /** null when no server has a positive weight. */
  private final MaglevTable table;

  /** A scheduler with its own table, filled now. */
  public MaglevScheduler(List<Destination> destinations) {
    this(destinations, null);
  }

  /**
   * @param tables where identical tables are shared and kept across compiles, and filled after
   *     the compile; null: a table of its own, filled now
   */
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
      table = null;
    } else if (tables == null) {
      table = new MaglevTable(dests, tableSize);
      table.fill();
    } else {
      table = tables.table(dests, tableSize);
    }
  }

  public int tableSize() {
    return table == null ? 0 : table.size();
  }

  /** The table, to fill it ahead of traffic; null when there is none. */
  MaglevTable table() {
    return table;
  }

  /** A hash of the client address into a table built alike on every director. */
  @Override
  public boolean consistent() {
    return true;
  }

  @Override
  public Destination schedule(int clientIp, int clientPort) {
    if (table == null) {
      return null;
    }
    int size = table.size();
    int slot = Hashing.hash(clientIp, LOOKUP_SEED) % size;
    Destination d = dests[table.serverAt(slot)];
    if (d.available()) {
      return d;
    }
    if (!anyAvailable()) {
      return null;
    }
    // an unavailable server's clients go to the owners of the following slots; others stay put
    for (int n = 1; ; n++) {
      d = dests[table.serverAt((slot + n) % size)];
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
