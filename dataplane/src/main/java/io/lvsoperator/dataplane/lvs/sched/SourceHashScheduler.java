package io.lvsoperator.dataplane.lvs.sched;

import io.lvsoperator.dataplane.lvs.service.Destination;
import java.util.List;

/**
 * sh: the client IP hashed into a table of buckets shared out in proportion to weight, so a
 * client keeps its real server without any state. When that server is unavailable the next
 * buckets are tried, so only its own clients move.
 */
public final class SourceHashScheduler implements Scheduler {
  static final int BUCKETS = 256;
  private static final int SEED = 0x5348;

  private final Destination[] table = new Destination[BUCKETS];
  private final boolean empty;

  public SourceHashScheduler(List<Destination> destinations) {
    Destination[] dests = destinations.stream().filter(d -> d.weight() > 0).toArray(Destination[]::new);
    empty = dests.length == 0;
    if (empty) {
      return;
    }
    // deal buckets round-robin, each server taking `weight` consecutive turns
    int b = 0;
    while (b < BUCKETS) {
      for (Destination d : dests) {
        for (int w = 0; w < d.weight() && b < BUCKETS; w++) {
          table[b++] = d;
        }
      }
    }
  }

  /** A hash of the client address into a table built alike on every director. */
  @Override
  public boolean consistent() {
    return true;
  }

  @Override
  public Destination schedule(int clientIp, int clientPort) {
    if (empty) {
      return null;
    }
    int start = Hashing.hash(clientIp, SEED) % BUCKETS;
    for (int n = 0; n < BUCKETS; n++) {
      Destination d = table[(start + n) % BUCKETS];
      if (d.available()) {
        return d;
      }
    }
    return null;
  }
}
