package io.lvsoperator.dataplane.lvs.sched;

import io.lvsoperator.dataplane.lvs.service.Destination;
import io.lvsoperator.dataplane.lvs.service.DestinationStats;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Real servers 198.18.0.11, .12, ... with the given weights, for scheduler tests. */
final class Dests {
  private Dests() {}

  static List<Destination> weighted(int... weights) {
    List<Destination> out = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      out.add(new Destination(0xC6120000 | (11 + i), 80, weights[i], new DestinationStats()));
    }
    return out;
  }

  /** How many of {@code picks} new connections each destination got (by list index). */
  static int[] spread(Scheduler s, List<Destination> dests, int picks) {
    int[] n = new int[dests.size()];
    for (int i = 0; i < picks; i++) {
      n[dests.indexOf(s.schedule(0xC6130100 + i, 40000 + i))]++;
    }
    return n;
  }

  /** Which destination each of {@code clients} client IPs maps to. */
  static Map<Integer, Destination> assignment(Scheduler s, int clients) {
    Map<Integer, Destination> m = new HashMap<>();
    for (int c = 0; c < clients; c++) {
      int ip = 0x0A000000 + c * 7919;
      m.put(ip, s.schedule(ip, 1234));
    }
    return m;
  }
}
