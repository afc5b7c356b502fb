package io.lvsoperator.dataplane.lvs.xmit;

import io.lvsoperator.dataplane.io.Offload;
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

  /** The frame goes on with its offload as received: a partial checksum or super-frame stays one. */
  public void transmit(byte[] f, int frameLength, int rip, RouteTable routes, long now, Offload offload) {
    if (output.send(f, frameLength, rip, true, routes, now, offload)) {
      counters.inc(Counter.FORWARDED_DR);
    }
  }
}
