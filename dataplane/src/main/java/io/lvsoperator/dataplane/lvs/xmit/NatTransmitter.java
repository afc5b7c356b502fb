package io.lvsoperator.dataplane.lvs.xmit;

import io.lvsoperator.dataplane.codec.Ipv4Header;
import io.lvsoperator.dataplane.codec.Transport;
import io.lvsoperator.dataplane.neigh.NeighbourOutput;
import io.lvsoperator.dataplane.route.RouteTable;
import io.lvsoperator.dataplane.stats.Counter;
import io.lvsoperator.dataplane.stats.DropReason;
import io.lvsoperator.dataplane.stats.EngineCounters;

/**
 * NAT: requests get VIP:port rewritten to RIP:port, replies RIP:port back to VIP:port, with the IP
 * and TCP/UDP checksums patched incrementally (RFC 1624). Replies are routed, so their TTL drops.
 */
public final class NatTransmitter {
  private final NeighbourOutput output;
  private final EngineCounters counters;

  public NatTransmitter(NeighbourOutput output, EngineCounters counters) {
    this.output = output;
    this.counters = counters;
  }

  /** Client to real server. */
  public void inbound(
      byte[] f, int frameLength, int l3, int l4, int protocol, int rip, int rport, RouteTable routes, long now) {
    int vip = Ipv4Header.destination(f, l3);
    Ipv4Header.setDestination(f, l3, rip);
    Transport.addressChanged(f, l4, protocol, vip, rip);
    Transport.setDestinationPort(f, l4, protocol, rport);
    if (output.send(f, frameLength, rip, routes, now)) {
      counters.inc(Counter.FORWARDED_NAT);
    }
  }

  /** Real server's reply to the client. */
  public void outbound(
      byte[] f, int frameLength, int l3, int l4, int protocol, int vip, int vport, RouteTable routes, long now) {
    if (Ipv4Header.ttl(f, l3) <= 1) {
      counters.drop(DropReason.TTL_EXPIRED);
      return;
    }
    int rip = Ipv4Header.source(f, l3);
    Ipv4Header.setSource(f, l3, vip);
    Ipv4Header.decrementTtl(f, l3);
    Transport.addressChanged(f, l4, protocol, rip, vip);
    Transport.setSourcePort(f, l4, protocol, vport);
    if (output.send(f, frameLength, Ipv4Header.destination(f, l3), routes, now)) {
      counters.inc(Counter.NAT_REPLIES);
    }
  }
}
