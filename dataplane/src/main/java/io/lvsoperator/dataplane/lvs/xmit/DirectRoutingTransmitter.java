package io.lvsoperator.dataplane.lvs.xmit;

import io.lvsoperator.dataplane.neigh.NeighbourOutput;
import io.lvsoperator.dataplane.route.RouteTable;
import io.lvsoperator.dataplane.stats.Counter;
import io.lvsoperator.dataplane.stats.EngineCounters;

/**
 * DR: the IP packet goes on untouched (destination still the VIP); only the Ethernet header
 * changes, to the real server's MAC. The real server holds the VIP on loopback and answers the
 * client itself.
 */
public final class DirectRoutingTransmitter {
  private final NeighbourOutput output;
  private final EngineCounters counters;

  public DirectRoutingTransmitter(NeighbourOutput output, EngineCounters counters) {
    this.output = output;
    this.counters = counters;
  }

  public void transmit(byte[] f, int frameLength, int rip, RouteTable routes, long now) {
    if (output.send(f, frameLength, rip, true, routes, now)) {
      counters.inc(Counter.FORWARDED_DR);
    }
  }
}
