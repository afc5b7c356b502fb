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
 * 1/N of the clients: those it had.
 */
public final class MaglevScheduler implements Scheduler {
  public static final int DEFAULT_TABLE_SIZE = 65_537;
  private static final int OFFSET_SEED = 0x4d41;
  private static final int SKIP_SEED = 0x474c;
  private static final int LOOKUP_SEED = 0x4c42;

  private final Destination[] dests;
  private final int[] table;

  public MaglevScheduler(List<Destination> destinations) {
    this(destinations, DEFAULT_TABLE_SIZE);
  }

  /** @param tableSize a prime, well above the number of real servers */
  public MaglevScheduler(List<Destination> destinations, int tableSize) {
    // order by identity, not by list order, so every director agrees on the table
    dests = destinations.stream().filter(d -> d.weight() > 0)
        .sorted(Comparator.comparingLong((Destination d) -> d.address() & 0xffffffffL).thenComparingInt(Destination::port))
        .toArray(Destination[]::new);
    table = new int[dests.length == 0 ? 0 : tableSize];
    if (dests.length > 0) {
      populate(tableSize);
    }
  }

  private void populate(int m) {
    int n = dests.length;
    long[] offset = new long[n];
    long[] skip = new long[n];
    long[] next = new long[n];
    int g = 0;
    for (Destination d : dests) {
      g = WeightedRoundRobinScheduler.gcd(g, d.weight());
    }
    for (int i = 0; i < n; i++) {
      int key = dests[i].address() * 31 + dests[i].port();
      offset[i] = Hashing.hash(key, OFFSET_SEED) % m;
      skip[i] = Hashing.hash(key, SKIP_SEED) % (m - 1) + 1;
    }
    Arrays.fill(table, -1);
    int filled = 0;
    while (true) {
      for (int i = 0; i < n; i++) {
        for (int turn = dests[i].weight() / g; turn > 0; turn--) {
          int c;
          do {
            c = (int) ((offset[i] + next[i] * skip[i]) % m);
            next[i]++;
          } while (table[c] >= 0);
          table[c] = i;
          if (++filled == m) {
            return;
          }
        }
      }
    }
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
