package io.lvsoperator.dataplane.lvs.sched;

import io.lvsoperator.dataplane.lvs.service.Destination;
import java.util.List;

/**
 * wlc (the IPVS default): least overhead per unit of weight, compared by cross multiplication
 * (a/wa < b/wb as a*wb < b*wa) so no division or floating point is needed.
 */
public final class WeightedLeastConnectionScheduler implements Scheduler {
  private final Destination[] dests;

  public WeightedLeastConnectionScheduler(List<Destination> destinations) {
    dests = destinations.toArray(new Destination[0]);
  }

  @Override
  public Destination schedule(int clientIp, int clientPort) {
    Destination least = null;
    long leastOverhead = 0;
    for (Destination d : dests) {
      if (!d.available()) {
        continue;
      }
      long o = LeastConnectionScheduler.overhead(d);
      if (least == null || o * least.weight() < leastOverhead * d.weight()) {
        least = d;
        leastOverhead = o;
      }
    }
    return least;
  }
}
