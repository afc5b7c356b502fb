package io.lvsoperator.dataplane.codec;

/**
 * Cuts an IPv4 TCP or UDP super-frame (GSO/GRO) into the packets it stands for, in software, for
 * a way out the kernel cannot segment (IP-in-IP from a packet socket has no GSO type). Each segment
 * gets what the kernel's own segmentation gives it: its length, the next IP ID, a TCP sequence
 * number advanced by the payload before it, FIN and PSH on the last only, CWR on the first only,
 * a UDP length, and its IP and layer-4 checksums computed whole.
 */
public final class GsoSegments {
  private static final int TCP_FIN_PSH = 0x09;
  private static final int TCP_CWR = 0x80;

  private GsoSegments() {}

  /** IP and TCP/UDP header bytes of the super-frame at {@code l3}: what every segment repeats. */
  public static int headerLength(byte[] f, int l3) {
    int ihl = Ipv4Header.headerLength(f, l3);
    return ihl + (Ipv4Header.protocol(f, l3) == Ipv4Header.PROTO_TCP
        ? Transport.tcpHeaderLength(f, l3 + ihl) : Transport.UDP_LENGTH);
  }

  /** How many segments of at most {@code size} payload bytes the super-frame holds (at least one). */
  public static int count(byte[] f, int l3, int size) {
    int payload = Ipv4Header.totalLength(f, l3) - headerLength(f, l3);
    return Math.max(1, (payload + size - 1) / size);
  }

  /**
   * Writes segment {@code index} (of {@link #count}) as an IPv4 packet at {@code out[o]}; returns
   * its length.
   */
  public static int write(byte[] f, int l3, int size, int index, byte[] out, int o) {
    int ihl = Ipv4Header.headerLength(f, l3);
    int protocol = Ipv4Header.protocol(f, l3);
    boolean tcp = protocol == Ipv4Header.PROTO_TCP;
    int headers = headerLength(f, l3);
    int l4Header = headers - ihl;
    int payload = Ipv4Header.totalLength(f, l3) - headers;
    int from = index * size;
    int length = Math.max(0, Math.min(size, payload - from));
    boolean last = from + size >= payload;
    System.arraycopy(f, l3, out, o, headers);
    System.arraycopy(f, l3 + headers + from, out, o + headers, length);
    int total = headers + length;
    Bytes.put16(out, o + 2, total);
    Bytes.put16(out, o + 4, (Ipv4Header.id(f, l3) + index) & 0xffff);
    Bytes.put16(out, o + 10, 0);
    Bytes.put16(out, o + 10, Checksums.compute(out, o, ihl));
    int l4 = o + ihl;
    if (tcp) {
      Bytes.put32(out, l4 + 4, Bytes.i32(f, l3 + ihl + 4) + from);
      int flags = Transport.tcpFlags(out, l4);
      if (!last) {
        flags &= ~TCP_FIN_PSH;
      }
      if (index > 0) {
        flags &= ~TCP_CWR;
      }
      Bytes.put8(out, l4 + 13, flags);
    } else {
      Bytes.put16(out, l4 + 4, l4Header + length);
    }
    int field = l4 + Transport.checksumOffset(protocol);
    Bytes.put16(out, field, 0);
    long sum = Checksums.sum(out, o + 12, 8) + protocol + l4Header + length + Checksums.sum(out, l4, l4Header + length);
    int cs = Checksums.finish(sum);
    Bytes.put16(out, field, cs == 0 && !tcp ? 0xffff : cs);
    return total;
  }
}
