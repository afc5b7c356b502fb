package io.lvsoperator.dataplane.lvs.xmit;

import io.lvsoperator.dataplane.codec.Bytes;
import io.lvsoperator.dataplane.codec.Icmp;
import io.lvsoperator.dataplane.codec.Ipv4Header;
import io.lvsoperator.dataplane.codec.PartialChecksum;
import io.lvsoperator.dataplane.codec.Transport;
import io.lvsoperator.dataplane.io.Offload;
import io.lvsoperator.dataplane.neigh.NeighbourOutput;
import io.lvsoperator.dataplane.route.RouteTable;
import io.lvsoperator.dataplane.stats.Counter;
import io.lvsoperator.dataplane.stats.DropReason;
import io.lvsoperator.dataplane.stats.EngineCounters;

/**
 * NAT: requests get VIP:port rewritten to RIP:port, replies RIP:port back to VIP:port, with the IP
 * and TCP/UDP checksums patched incrementally (RFC 1624). Replies are routed, so their TTL drops.
 * A partial checksum (a sender's checksum offload) is patched for the address only and leaves
 * with its offload, as does a super-frame (docs/architecture.md, "Offloads").
 */
public final class NatTransmitter {
  private final NeighbourOutput output;
  private final EngineCounters counters;

  public NatTransmitter(NeighbourOutput output, EngineCounters counters) {
    this.output = output;
    this.counters = counters;
  }

  /** Client to real server. */
  public void inbound(byte[] f, int frameLength, int l3, int l4, int protocol, int rip, int rport, RouteTable routes,
      long now, Offload offload) {
    int vip = Ipv4Header.destination(f, l3);
    Ipv4Header.setDestination(f, l3, rip);
    if (offload.partial()) {
      PartialChecksum.addressChanged(f, l4 + Transport.checksumOffset(protocol), vip, rip);
      Bytes.put16(f, l4 + 2, rport);
    } else {
      Transport.addressChanged(f, l4, protocol, vip, rip);
      Transport.setDestinationPort(f, l4, protocol, rport);
    }
    if (output.send(f, frameLength, rip, true, routes, now, offload)) {
      counters.inc(Counter.FORWARDED_NAT);
    }
  }

  /** Real server's reply to the client. */
  public void outbound(byte[] f, int frameLength, int l3, int l4, int protocol, int vip, int vport, RouteTable routes,
      long now, Offload offload) {
    if (Ipv4Header.ttl(f, l3) <= 1) {
      counters.drop(DropReason.TTL_EXPIRED);
      return;
    }
    int rip = Ipv4Header.source(f, l3);
    Ipv4Header.setSource(f, l3, vip);
    Ipv4Header.decrementTtl(f, l3);
    if (offload.partial()) {
      PartialChecksum.addressChanged(f, l4 + Transport.checksumOffset(protocol), rip, vip);
      Bytes.put16(f, l4, vport);
    } else {
      Transport.addressChanged(f, l4, protocol, rip, vip);
      Transport.setSourcePort(f, l4, protocol, vport);
    }
    if (output.send(f, frameLength, Ipv4Header.destination(f, l3), false, routes, now, offload)) {
      counters.inc(Counter.NAT_REPLIES);
    }
  }

  /** A later fragment of a client's datagram: only the IP destination changes (no ports in it). */
  public void inboundFragment(byte[] f, int frameLength, int l3, int rip, RouteTable routes, long now) {
    Ipv4Header.setDestination(f, l3, rip);
    if (output.send(f, frameLength, rip, true, routes, now)) {
      counters.inc(Counter.FORWARDED_NAT);
    }
  }

  /** A later fragment of a real server's reply: only the IP source changes back to the VIP. */
  public void outboundFragment(byte[] f, int frameLength, int l3, int vip, RouteTable routes, long now) {
    if (Ipv4Header.ttl(f, l3) <= 1) {
      counters.drop(DropReason.TTL_EXPIRED);
      return;
    }
    Ipv4Header.setSource(f, l3, vip);
    Ipv4Header.decrementTtl(f, l3);
    if (output.send(f, frameLength, Ipv4Header.destination(f, l3), routes, now)) {
      counters.inc(Counter.NAT_REPLIES);
    }
  }

  /**
   * An ICMP error to the VIP about a packet VIP:vport -> client: to the real server, about the
   * packet as the real server sent it (RIP:rport -> client). As IPVS: the quoted IP header's
   * checksum is patched, the quoted ports set, the ICMP checksum computed afresh.
   */
  public void inboundIcmpError(byte[] f, int frameLength, int l3, int icmp, int quoted, int quotedL4, int icmpLength,
      int rip, int rport, RouteTable routes, long now) {
    Ipv4Header.setDestination(f, l3, rip);
    Ipv4Header.setSource(f, quoted, rip);
    Bytes.put16(f, quotedL4, rport);
    Icmp.recomputeChecksum(f, icmp, icmpLength);
    if (output.send(f, frameLength, rip, true, routes, now)) {
      counters.inc(Counter.FORWARDED_NAT);
    }
  }

  /** An ICMP error from a real server about a client's packet: as if from the VIP, about VIP:vport. */
  public void outboundIcmpError(byte[] f, int frameLength, int l3, int icmp, int quoted, int quotedL4,
      int icmpLength, int vip, int vport, RouteTable routes, long now) {
    if (Ipv4Header.ttl(f, l3) <= 1) {
      counters.drop(DropReason.TTL_EXPIRED);
      return;
    }
    Ipv4Header.setSource(f, l3, vip);
    Ipv4Header.decrementTtl(f, l3);
    Ipv4Header.setDestination(f, quoted, vip);
    Bytes.put16(f, quotedL4 + 2, vport);
    Icmp.recomputeChecksum(f, icmp, icmpLength);
    if (output.send(f, frameLength, Ipv4Header.destination(f, l3), routes, now)) {
      counters.inc(Counter.NAT_REPLIES);
    }
  }
}
