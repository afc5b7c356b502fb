package io.lvsoperator.dataplane.lvs.sched;

import io.lvsoperator.dataplane.lvs.service.Destination;
import java.util.List;

/**
 * wrr, as IPVS: a current weight steps down from the largest weight by the weights' gcd; each
 * pass picks the servers whose weight reaches it. Over a cycle of sum(weights) picks every server
 * gets exactly its weight, interleaved rather than in bursts.
 */
public final class WeightedRoundRobinScheduler implements Scheduler {
  private final Destination[] dests;
  private final int maxWeight;
  private final int gcd;
  private final int maxSteps;
  private int index = -1;
  private int currentWeight;

  public WeightedRoundRobinScheduler(List<Destination> destinations) {
    dests = destinations.toArray(new Destination[0]);
    int max = 0;
    int g = 0;
    for (Destination d : dests) {
      max = Math.max(max, d.weight());
      g = gcd(g, d.weight());
    }
    maxWeight = max;
    gcd = Math.max(g, 1);
    // enough steps to visit every (server, weight level) pair once
    maxSteps = dests.length * (maxWeight / gcd + 1);
  }

  static int gcd(int a, int b) {
    while (b != 0) {
      int t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  @Override
  public synchronized Destination schedule(int clientIp, int clientPort) {
    if (maxWeight == 0) {
      return null;
    }
    for (int step = 0; step < maxSteps; step++) {
      index = (index + 1) % dests.length;
      if (index == 0) {
        currentWeight -= gcd;
        if (currentWeight <= 0) {
          currentWeight = maxWeight;
        }
      }
      Destination d = dests[index];
      if (d.weight() >= currentWeight && d.available()) {
        return d;
      }
    }
    return null;
  }
}
