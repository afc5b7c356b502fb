package io.lvsoperator.dataplane.lvs.sched;

import io.lvsoperator.dataplane.lvs.service.Destination;
import java.util.List;

/** rr: each available real server in turn, weights ignored except 0 (no new connections). */
public final class RoundRobinScheduler implements Scheduler {
  private final Destination[] dests;
  private int next;

  public RoundRobinScheduler(List<Destination> destinations) {
    dests = destinations.toArray(new Destination[0]);
  }

  @Override
  public synchronized Destination schedule(int clientIp, int clientPort) {
    for (int n = 0; n < dests.length; n++) {
      Destination d = dests[next];
      next = next + 1 == dests.length ? 0 : next + 1;
      if (d.available()) {
        return d;
      }
    }
    return null;
  }
}
