package io.lvsoperator.dataplane.io;

import io.lvsoperator.dataplane.codec.Bytes;
import io.lvsoperator.dataplane.codec.Ethernet;
import io.lvsoperator.dataplane.codec.Ipv4Header;
import io.lvsoperator.dataplane.codec.PartialChecksum;
import io.lvsoperator.dataplane.codec.Transport;

/**
 * Brings what a packet socket reports of a received frame into the two shapes the engine handles
 * (docs/architecture.md, "Offloads"): for IPv4 TCP and UDP, a partial checksum sits in the
 * protocol's own field with the pseudo-header's sum over the whole segment, and a super-frame is
 * always partial. Anything else a sender's offloads produced is finished here in software, as Open
 * vSwitch does with a checksum start it does not expect.
 */
public final class OffloadedFrames {
  private OffloadedFrames() {}

  /** Settles {@code o} for the frame of {@code length} bytes, finishing its checksum where needed. */
  public static void settle(byte[] f, int length, Offload o) {
    if (o.none()) {
      return;
    }
    final int l3 = Ethernet.HEADER_LENGTH;
    if (length < l3 + Ipv4Header.MIN_LENGTH || Ethernet.etherType(f) != Ethernet.TYPE_IPV4
        || Ipv4Header.version(f, l3) != 4) {
      return; // not IPv4: the engine leaves it to the node
    }
    int ihl = Ipv4Header.headerLength(f, l3);
    int total = Ipv4Header.totalLength(f, l3);
    int protocol = Ipv4Header.protocol(f, l3);
    int l4 = l3 + ihl;
    int end = l3 + total;
    boolean transport = protocol == Ipv4Header.PROTO_TCP || protocol == Ipv4Header.PROTO_UDP;
    if (ihl < Ipv4Header.MIN_LENGTH || total < ihl || end > length) {
      return; // malformed: the engine drops it
    }
    int field = Transport.checksumOffset(protocol);
    if (o.partial()) {
      if (transport && o.checksumStart() == l4 && o.checksumOffset() == field && l4 + field + 2 <= end) {
        return;
      }
      if (o.checksumStart() + o.checksumOffset() + 2 <= end) {
        PartialChecksum.finish(f, o.checksumStart(), o.checksumOffset(), end);
      }
      o.set(Offload.DATA_VALID, o.gsoType(), o.gsoSize(), 0, 0);
      return;
    }
    if (o.gso() && transport && l4 + field + 2 <= end) {
      // a super-frame with a finished checksum (fraglist GRO): valid for its first segment only
      Bytes.put16(f, l4 + field, PartialChecksum.pseudoHeader(f, l3, protocol, total - ihl));
      o.set(Offload.NEEDS_CSUM, o.gsoType(), o.gsoSize(), l4, field);
    }
  }

  /**
   * Makes the frame plain for a way out that cannot carry {@code o}: finishes a partial checksum
   * in software. False for a super-frame, which stays one packet too big for a link.
   */
  public static boolean resolve(byte[] f, int length, Offload o) {
    if (o.partial() && o.checksumStart() + o.checksumOffset() + 2 <= length) {
      PartialChecksum.finish(f, o.checksumStart(), o.checksumOffset(), length);
    }
    return !o.gso();
  }
}
