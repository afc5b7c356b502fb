package io.lvsoperator.dataplane.engine;

import io.lvsoperator.dataplane.stats.Counter;
import io.lvsoperator.dataplane.stats.DropReason;
import io.lvsoperator.dataplane.stats.EngineCounters;
import java.util.EnumSet;
import java.util.Set;

/**
 * What became of a frame, read from the engine's counters: forwarded, answered, consumed (an
 * ARP reply learnt), left to the kernel, or dropped with one reason. Side effects (an ARP request
 * sent, a fragmentation-needed sent for a packet dropped as too big, an ICMP error counted as
 * forwarded) are not outcomes.
 */
final class FrameOutcomes {
  static final Set<Counter> OUTCOMES = EnumSet.of(Counter.FORWARDED_DR, Counter.FORWARDED_NAT, Counter.FORWARDED_TUN,
      Counter.NAT_REPLIES, Counter.ARP_REPLIES_SENT, Counter.ICMP_ECHO_REPLIES_SENT, Counter.ARP_REPLIES_RECEIVED,
      Counter.IGNORED);

  private final long[] counters = new long[Counter.values().length];
  private final long[] drops = new long[DropReason.values().length];

  /** Takes the counters as they are now. */
  void mark(EngineCounters c) {
    for (Counter k : Counter.values()) {
      counters[k.ordinal()] = c.get(k);
    }
    for (DropReason r : DropReason.values()) {
      drops[r.ordinal()] = c.drops(r);
    }
  }

  /** The outcomes since {@link #mark}, each as its counter's name ("drop:no_service"...). */
  java.util.List<String> since(EngineCounters c) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (Counter k : OUTCOMES) {
      for (long n = counters[k.ordinal()]; n < c.get(k); n++) {
        out.add(k.metricName());
      }
    }
    for (DropReason r : DropReason.values()) {
      for (long n = drops[r.ordinal()]; n < c.drops(r); n++) {
        out.add("drop:" + r.label());
      }
    }
    return out;
  }
}
