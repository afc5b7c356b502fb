package io.lvsoperator.dataplane.lvs.sched;

import io.lvsoperator.dataplane.lvs.service.Destination;
import io.lvsoperator.dataplane.lvs.service.DestinationStats;
import java.util.List;

/**
 * lc: the available real server with the least load, where load counts an active connection as
 * 256 inactive ones (IPVS's overhead), since idle TIME_WAIT entries cost little.
 */
public final class LeastConnectionScheduler implements Scheduler {
  private final Destination[] dests;

  public LeastConnectionScheduler(List<Destination> destinations) {
    dests = destinations.toArray(new Destination[0]);
  }

  static long overhead(Destination d) {
    DestinationStats s = d.stats();
    return ((long) s.activeConnections() << 8) + s.inactiveConnections();
  }

  @Override
  public Destination schedule(int clientIp, int clientPort) {
    Destination least = null;
    long leastOverhead = 0;
    for (Destination d : dests) {
      if (!d.available()) {
        continue;
      }
      long o = overhead(d);
      if (least == null || o < leastOverhead) {
        least = d;
        leastOverhead = o;
      }
    }
    return least;
  }
}
