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
 * FULLNAT (docs/architecture.md, "Full-NAT"): requests CIP:cport -> VIP:vport leave as
 * LIP:lport -> RIP:rport, replies RIP:rport -> LIP:lport leave as VIP:vport -> CIP:cport. Both
 * addresses and both ports change, the IP and TCP/UDP checksums are patched incrementally
 * (RFC 1624); a partial checksum (a sender's offload) is patched for the addresses only and
 * leaves with its offload, as in NAT. Replies are routed, so their TTL drops.
 */
public final class FullNatTransmitter {
  private final NeighbourOutput output;
  private final EngineCounters counters;

  public FullNatTransmitter(NeighbourOutput output, EngineCounters counters) {
    this.output = output;
    this.counters = counters;
  }

  /** Client to real server. */
  public void inbound(byte[] f, int frameLength, int l3, int l4, int protocol, int lip, int lport, int rip, int rport,
      RouteTable routes, long now, Offload offload) {
    rewrite(f, l3, l4, protocol, lip, lport, rip, rport, offload);
    if (output.send(f, frameLength, rip, true, routes, now, offload)) {
      counters.inc(Counter.FORWARDED_FULLNAT);
    }
  }

  /** Real server's reply to the client. */
  public void outbound(byte[] f, int frameLength, int l3, int l4, int protocol, int vip, int vport, int cip, int cport,
      RouteTable routes, long now, Offload offload) {
    if (!routed(f, l3)) {
      return;
    }
    rewrite(f, l3, l4, protocol, vip, vport, cip, cport, offload);
    if (output.send(f, frameLength, cip, false, routes, now, offload)) {
      counters.inc(Counter.FULLNAT_REPLIES);
    }
  }

  private static void rewrite(byte[] f, int l3, int l4, int protocol, int src, int sport, int dst, int dport,
      Offload offload) {
    int oldSrc = Ipv4Header.source(f, l3);
    int oldDst = Ipv4Header.destination(f, l3);
    Ipv4Header.setSource(f, l3, src);
    Ipv4Header.setDestination(f, l3, dst);
    if (offload.partial()) {
      // the sender's offload completes the checksum over the pseudo-header we patch and the
      // ports as they are when it does
      int at = l4 + Transport.checksumOffset(protocol);
      PartialChecksum.addressChanged(f, at, oldSrc, src);
      PartialChecksum.addressChanged(f, at, oldDst, dst);
      Bytes.put16(f, l4, sport);
      Bytes.put16(f, l4 + 2, dport);
    } else {
      Transport.addressChanged(f, l4, protocol, oldSrc, src);
      Transport.addressChanged(f, l4, protocol, oldDst, dst);
      Transport.setSourcePort(f, l4, protocol, sport);
      Transport.setDestinationPort(f, l4, protocol, dport);
    }
  }

  /**
   * A later fragment of a datagram whose first went {@code from -> to}: only the IP addresses
   * change (no ports in it); a reply's (outbound) is routed, so its TTL drops.
   */
  public void fragment(byte[] f, int frameLength, int l3, int from, int to, boolean outbound, RouteTable routes,
      long now) {
    if (outbound && !routed(f, l3)) {
      return;
    }
    Ipv4Header.setSource(f, l3, from);
    Ipv4Header.setDestination(f, l3, to);
    if (output.send(f, frameLength, to, !outbound, routes, now)) {
      counters.inc(outbound ? Counter.FULLNAT_REPLIES : Counter.FORWARDED_FULLNAT);
    }
  }

  /**
   * An ICMP error to the VIP about a reply VIP:vport -> CIP:cport (a router on the client's path
   * says fragmentation needed): to the real server, about the packet as it sent it
   * (RIP:rport -> LIP:lport), from the local address.
   */
  public void inboundIcmpError(byte[] f, int frameLength, int l3, int icmp, int quoted, int quotedL4,
      int icmpLength, int lip, int lport, int rip, int rport, RouteTable routes, long now) {
    rewriteError(f, l3, icmp, quoted, quotedL4, icmpLength, lip, rip, rport, lport);
    if (output.send(f, frameLength, rip, true, routes, now)) {
      counters.inc(Counter.FORWARDED_FULLNAT);
    }
  }

  /**
   * An ICMP error from a real server about a request LIP:lport -> RIP:rport (a port unreachable
   * for a datagram): to the client, from the VIP, about the packet as the client sent it
   * (CIP:cport -> VIP:vport).
   */
  public void outboundIcmpError(byte[] f, int frameLength, int l3, int icmp, int quoted, int quotedL4,
      int icmpLength, int vip, int vport, int cip, int cport, RouteTable routes, long now) {
    if (!routed(f, l3)) {
      return;
    }
    rewriteError(f, l3, icmp, quoted, quotedL4, icmpLength, vip, cip, cport, vport);
    if (output.send(f, frameLength, cip, routes, now)) {
      counters.inc(Counter.FULLNAT_REPLIES);
    }
  }

  /** A packet the director routes: false (counted) when its TTL runs out, else one less. */
  private boolean routed(byte[] f, int l3) {
    if (Ipv4Header.ttl(f, l3) <= 1) {
      counters.drop(DropReason.TTL_EXPIRED);
      return false;
    }
    Ipv4Header.decrementTtl(f, l3);
    return true;
  }

  /**
   * An ICMP error now {@code src -> dst}, quoting the packet {@code dst:sport -> src:dport} as
   * the one it goes to sent it.
   */
  private static void rewriteError(byte[] f, int l3, int icmp, int quoted, int quotedL4, int icmpLength, int src,
      int dst, int sport, int dport) {
    Ipv4Header.setSource(f, l3, src);
    Ipv4Header.setDestination(f, l3, dst);
    Ipv4Header.setSource(f, quoted, dst);
    Ipv4Header.setDestination(f, quoted, src);
    Bytes.put16(f, quotedL4, sport);
    Bytes.put16(f, quotedL4 + 2, dport);
    Icmp.recomputeChecksum(f, icmp, icmpLength);
  }
}
