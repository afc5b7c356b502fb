package io.lvsoperator.dataplane.testsupport;

import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.dataplane.codec.Arp;
import io.lvsoperator.dataplane.codec.Bytes;
import io.lvsoperator.dataplane.codec.Checksums;
import io.lvsoperator.dataplane.codec.Ethernet;
import io.lvsoperator.dataplane.codec.Ipv4Header;
import io.lvsoperator.dataplane.codec.PartialChecksum;
import io.lvsoperator.dataplane.codec.Transport;
import io.lvsoperator.dataplane.io.Offload;
import io.lvsoperator.dataplane.codec.MacAddress;

/** Builds test frames with correct checksums, and checks the checksums of frames the engine emits. */
public final class Frames {
  private Frames() {}

  public static long mac(String text) {
    return MacAddress.parse(text);
  }

  public static int ip(String text) {
    return Ipv4.parse(text);
  }

  public static byte[] arp(long ethDst, long ethSrc, int op, long senderMac, String senderIp, long targetMac,
      String targetIp) {
    byte[] f = new byte[Arp.FRAME_LENGTH];
    Arp.write(f, ethDst, ethSrc, op, senderMac, ip(senderIp), targetMac, ip(targetIp));
    return f;
  }

  /** A TCP segment with {@code payload} bytes of data and the given flags, DF set. */
  public static byte[] tcp(long ethDst, long ethSrc, String src, int sport, String dst, int dport, int flags,
      int payload) {
    int l4len = 20 + payload;
    byte[] f = new byte[14 + 20 + l4len];
    Ethernet.write(f, ethDst, ethSrc, Ethernet.TYPE_IPV4);
    Ipv4Header.write(f, 14, 0, 20 + l4len, 0x1234, Ipv4Header.FLAG_DF, 64, Ipv4Header.PROTO_TCP, ip(src), ip(dst));
    int o = 34;
    Bytes.put16(f, o, sport);
    Bytes.put16(f, o + 2, dport);
    Bytes.put32(f, o + 4, 1000);
    Bytes.put32(f, o + 8, (flags & 0x10) != 0 ? 2000 : 0);
    f[o + 12] = 0x50;
    f[o + 13] = (byte) flags;
    Bytes.put16(f, o + 14, 64240);
    for (int i = 0; i < payload; i++) {
      f[o + 20 + i] = (byte) (i * 7);
    }
    Bytes.put16(f, o + 16, l4Checksum(f));
    return f;
  }

  public static byte[] udp(long ethDst, long ethSrc, String src, int sport, String dst, int dport, int payload) {
    int l4len = 8 + payload;
    byte[] f = new byte[14 + 20 + l4len];
    Ethernet.write(f, ethDst, ethSrc, Ethernet.TYPE_IPV4);
    Ipv4Header.write(f, 14, 0, 20 + l4len, 0x4321, 0, 64, Ipv4Header.PROTO_UDP, ip(src), ip(dst));
    int o = 34;
    Bytes.put16(f, o, sport);
    Bytes.put16(f, o + 2, dport);
    Bytes.put16(f, o + 4, l4len);
    for (int i = 0; i < payload; i++) {
      f[o + 8 + i] = (byte) (i + 1);
    }
    Bytes.put16(f, o + 6, l4Checksum(f));
    return f;
  }

  public static byte[] echoRequest(long ethDst, long ethSrc, String src, String dst) {
    int payload = 16;
    byte[] f = new byte[14 + 20 + 8 + payload];
    Ethernet.write(f, ethDst, ethSrc, Ethernet.TYPE_IPV4);
    Ipv4Header.write(f, 14, 0, 20 + 8 + payload, 7, 0, 64, Ipv4Header.PROTO_ICMP, ip(src), ip(dst));
    f[34] = 8;
    Bytes.put16(f, 38, 0x77);
    Bytes.put16(f, 40, 1);
    for (int i = 0; i < payload; i++) {
      f[42 + i] = (byte) i;
    }
    Bytes.put16(f, 36, Checksums.compute(f, 34, 8 + payload));
    return f;
  }

  /** The TCP or UDP checksum of the frame's segment, computed whole with its pseudo-header. */
  public static int l4Checksum(byte[] f) {
    int ihl = Ipv4Header.headerLength(f, 14);
    int total = Ipv4Header.totalLength(f, 14);
    int proto = Ipv4Header.protocol(f, 14);
    int l4 = 14 + ihl;
    int len = total - ihl;
    int at = l4 + (proto == Ipv4Header.PROTO_TCP ? 16 : 6);
    byte[] copy = f.clone();
    copy[at] = 0;
    copy[at + 1] = 0;
    long sum = Checksums.sum(copy, 14 + 12, 8) + proto + len + Checksums.sum(copy, l4, len);
    int cs = Checksums.finish(sum);
    return proto == Ipv4Header.PROTO_UDP && cs == 0 ? 0xffff : cs;
  }

  /**
   * The frame as a sender with checksum offload hands it over (a copy): its TCP/UDP checksum field
   * holds only the pseudo-header's sum; {@code into} gets the matching offload.
   */
  public static byte[] partial(byte[] f, Offload into) {
    byte[] copy = f.clone();
    int ihl = Ipv4Header.headerLength(copy, 14);
    int proto = Ipv4Header.protocol(copy, 14);
    int field = Transport.checksumOffset(proto);
    Bytes.put16(copy, 14 + ihl + field,
        PartialChecksum.pseudoHeader(copy, 14, proto, Ipv4Header.totalLength(copy, 14) - ihl));
    into.set(Offload.NEEDS_CSUM, into.gsoType(), into.gsoSize(), 14 + ihl, field);
    return copy;
  }

  /** A partial TCP super-frame (TSO/GRO) of {@code payload} bytes standing for segments of {@code size}. */
  public static byte[] superFrame(long ethDst, long ethSrc, String src, int sport, String dst, int dport, int payload,
      int size, Offload into) {
    byte[] f = tcp(ethDst, ethSrc, src, sport, dst, dport, Transport.TCP_ACK | 0x08, payload);
    into.set(0, Offload.GSO_TCPV4, size, 0, 0);
    return partial(f, into);
  }

  /** What the kernel sends for a frame with its offload: the checksum finished (a copy). */
  public static byte[] finished(byte[] f, Offload o) {
    byte[] copy = f.clone();
    if (o.partial()) {
      PartialChecksum.finish(copy, o.checksumStart(), o.checksumOffset(),
          14 + Ipv4Header.totalLength(copy, 14));
    }
    return copy;
  }

  /** True when the IP header checksum and the TCP/UDP/ICMP checksum are both right. */
  public static boolean checksumsValid(byte[] f) {
    if (!Ipv4Header.checksumValid(f, 14)) {
      return false;
    }
    int proto = Ipv4Header.protocol(f, 14);
    int ihl = Ipv4Header.headerLength(f, 14);
    int l4 = 14 + ihl;
    int len = Ipv4Header.totalLength(f, 14) - ihl;
    if (proto == Ipv4Header.PROTO_ICMP) {
      return Checksums.fold(Checksums.sum(f, l4, len)) == 0xffff;
    }
    int at = l4 + (proto == Ipv4Header.PROTO_TCP ? 16 : 6);
    return Bytes.u16(f, at) == l4Checksum(f);
  }

  /**
   * An ICMP error (type, code, and for fragmentation-needed the next-hop MTU) from {@code src} to
   * {@code dst}, quoting the IP header and the first {@code quotedL4} bytes of {@code about}'s
   * transport header, as a router or host sends it.
   */
  public static byte[] icmpError(long ethDst, long ethSrc, String src, String dst, int type, int code, int mtu,
      byte[] about, int quotedL4) {
    int ihl = Ipv4Header.headerLength(about, 14);
    int quoted = ihl + quotedL4;
    byte[] f = new byte[14 + 20 + 8 + quoted];
    Ethernet.write(f, ethDst, ethSrc, Ethernet.TYPE_IPV4);
    Ipv4Header.write(f, 14, 0, 20 + 8 + quoted, 9, 0, 64, Ipv4Header.PROTO_ICMP, ip(src), ip(dst));
    f[34] = (byte) type;
    f[35] = (byte) code;
    Bytes.put16(f, 40, mtu);
    System.arraycopy(about, 14, f, 42, quoted);
    Bytes.put16(f, 36, Checksums.compute(f, 34, 8 + quoted));
    return f;
  }

  /**
   * The datagram of {@code frame} in two fragments: the first carries {@code firstBytes} (a
   * multiple of 8) of what follows the IP header, the second the rest.
   */
  public static byte[][] fragments(byte[] frame, int firstBytes) {
    int total = Ipv4Header.totalLength(frame, 14);
    int rest = total - 20 - firstBytes;
    byte[] a = new byte[14 + 20 + firstBytes];
    byte[] b = new byte[14 + 20 + rest];
    System.arraycopy(frame, 0, a, 0, 34 + firstBytes);
    System.arraycopy(frame, 0, b, 0, 34);
    System.arraycopy(frame, 34 + firstBytes, b, 34, rest);
    int id = Bytes.u16(frame, 18);
    int proto = Ipv4Header.protocol(frame, 14);
    Ipv4Header.write(a, 14, 0, 20 + firstBytes, id, Ipv4Header.FLAG_MF, 64, proto, Ipv4Header.source(frame, 14),
        Ipv4Header.destination(frame, 14));
    Ipv4Header.write(b, 14, 0, 20 + rest, id, firstBytes / 8, 64, proto, Ipv4Header.source(frame, 14),
        Ipv4Header.destination(frame, 14));
    return new byte[][] {a, b};
  }
}
