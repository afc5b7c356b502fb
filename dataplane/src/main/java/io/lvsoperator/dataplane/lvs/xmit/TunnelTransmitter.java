package io.lvsoperator.dataplane.lvs.xmit;

import io.lvsoperator.dataplane.codec.Ethernet;
import io.lvsoperator.dataplane.codec.GsoSegments;
import io.lvsoperator.dataplane.codec.Icmp;
import io.lvsoperator.dataplane.codec.Ipv4Header;
import io.lvsoperator.dataplane.codec.PartialChecksum;
import io.lvsoperator.dataplane.io.Offload;
import io.lvsoperator.dataplane.neigh.NeighbourOutput;
import io.lvsoperator.dataplane.route.RouteTable;
import io.lvsoperator.dataplane.stats.Counter;
import io.lvsoperator.dataplane.stats.DropReason;
import io.lvsoperator.dataplane.stats.EngineCounters;

/**
 * TUN: the client's packet, untouched, inside a new IPv4 header (protocol 4) from the DIP to the
 * RIP. When that would not fit the interface MTU and the client forbade fragmentation, the client
 * gets ICMP fragmentation-needed with the MTU that does fit (as IPVS does), so its path MTU
 * discovery shrinks the segments.
 *
 * <p>The kernel cannot segment IP-in-IP handed to a packet socket, so a super-frame (GSO/GRO) is
 * cut into its segments here, each encapsulated alone; "would not fit" then means one segment as
 * its sender meant it (headers and GSO size), as IPVS judges a GSO packet. A partial checksum is
 * finished before encapsulation (docs/architecture.md, "Offloads").
 */
public final class TunnelTransmitter {
  private static final int OUTER_TTL = 64;
  private static final int ICMP_TTL = 64;

  private final NeighbourOutput output;
  private final EngineCounters counters;
  private final byte[] tx;
  private int nextId;

  public TunnelTransmitter(NeighbourOutput output, EngineCounters counters, int maxFrame) {
    this.output = output;
    this.counters = counters;
    this.tx = new byte[maxFrame + Ipv4Header.MIN_LENGTH];
  }

  public void transmit(byte[] f, int l3, int rip, int mtu, RouteTable routes, long now, Offload offload) {
    int inner = Ipv4Header.totalLength(f, l3);
    if (offload.gso()) {
      segmented(f, l3, offload.gsoSize(), rip, mtu, routes, now);
      return;
    }
    if (offload.partial()) {
      PartialChecksum.finish(f, offload.checksumStart(), offload.checksumOffset(), l3 + inner);
    }
    int outer = inner + Ipv4Header.MIN_LENGTH;
    if (outer > mtu) {
      if (Ipv4Header.dontFragment(f, l3)) {
        fragmentationNeeded(f, l3, mtu - Ipv4Header.MIN_LENGTH, routes, now);
      }
      counters.drop(DropReason.TOO_BIG);
      return;
    }
    int o = Ethernet.HEADER_LENGTH;
    System.arraycopy(f, l3, tx, o + Ipv4Header.MIN_LENGTH, inner);
    tx[12] = (byte) (Ethernet.TYPE_IPV4 >>> 8);
    tx[13] = (byte) Ethernet.TYPE_IPV4;
    int flags = Ipv4Header.dontFragment(f, l3) ? Ipv4Header.FLAG_DF : 0;
    Ipv4Header.write(tx, o, Ipv4Header.tos(f, l3), outer, nextId++ & 0xffff, flags, OUTER_TTL,
        Ipv4Header.PROTO_IPIP, routes.sourceFor(rip), rip);
    if (output.send(tx, o + outer, rip, true, routes, now)) {
      counters.inc(Counter.FORWARDED_TUN);
    }
  }

  private void segmented(byte[] f, int l3, int size, int rip, int mtu, RouteTable routes, long now) {
    if (GsoSegments.headerLength(f, l3) + size + Ipv4Header.MIN_LENGTH > mtu) {
      if (Ipv4Header.dontFragment(f, l3)) {
        fragmentationNeeded(f, l3, mtu - Ipv4Header.MIN_LENGTH, routes, now);
      }
      counters.drop(DropReason.TOO_BIG);
      return;
    }
    int o = Ethernet.HEADER_LENGTH;
    int segments = GsoSegments.count(f, l3, size);
    int tos = Ipv4Header.tos(f, l3);
    int flags = Ipv4Header.dontFragment(f, l3) ? Ipv4Header.FLAG_DF : 0;
    int source = routes.sourceFor(rip);
    for (int i = 0; i < segments; i++) {
      int inner = GsoSegments.write(f, l3, size, i, tx, o + Ipv4Header.MIN_LENGTH);
      tx[12] = (byte) (Ethernet.TYPE_IPV4 >>> 8);
      tx[13] = (byte) Ethernet.TYPE_IPV4;
      int outer = inner + Ipv4Header.MIN_LENGTH;
      Ipv4Header.write(tx, o, tos, outer, nextId++ & 0xffff, flags, OUTER_TTL, Ipv4Header.PROTO_IPIP, source, rip);
      if (!output.send(tx, o + outer, rip, true, routes, now)) {
        return;
      }
      counters.inc(Counter.FORWARDED_TUN);
      counters.inc(Counter.GSO_SEGMENTED);
    }
  }

  private void fragmentationNeeded(byte[] f, int l3, int nextHopMtu, RouteTable routes, long now) {
    int client = Ipv4Header.source(f, l3);
    // RFC 792: the offending header and the first 8 bytes of its payload
    int quoted = Math.min(Ipv4Header.totalLength(f, l3), Ipv4Header.headerLength(f, l3) + 8);
    int icmpLength = Icmp.HEADER_LENGTH + quoted;
    int o = Ethernet.HEADER_LENGTH;
    int icmp = o + Ipv4Header.MIN_LENGTH;
    System.arraycopy(f, l3, tx, icmp + Icmp.HEADER_LENGTH, quoted);
    Icmp.writeFragmentationNeeded(tx, icmp, nextHopMtu, icmpLength);
    tx[12] = (byte) (Ethernet.TYPE_IPV4 >>> 8);
    tx[13] = (byte) Ethernet.TYPE_IPV4;
    Ipv4Header.write(tx, o, 0, Ipv4Header.MIN_LENGTH + icmpLength, nextId++ & 0xffff, 0, ICMP_TTL,
        Ipv4Header.PROTO_ICMP, routes.sourceFor(client), client);
    if (output.send(tx, o + Ipv4Header.MIN_LENGTH + icmpLength, client, routes, now)) {
      counters.inc(Counter.ICMP_FRAG_NEEDED_SENT);
    }
  }
}
