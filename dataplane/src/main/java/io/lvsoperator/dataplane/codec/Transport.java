package io.lvsoperator.dataplane.codec;

/**
 * TCP and UDP share their first four bytes (ports); this class reads and rewrites them and keeps
 * the layer-4 checksum right, which covers the ports and, through the pseudo-header, the IPs.
 */
public final class Transport {
  public static final int TCP_MIN_LENGTH = 20;
  public static final int UDP_LENGTH = 8;
  public static final int TCP_CHECKSUM = 16;
  public static final int UDP_CHECKSUM = 6;
  public static final int TCP_FIN = 0x01;
  public static final int TCP_SYN = 0x02;
  public static final int TCP_RST = 0x04;
  public static final int TCP_ACK = 0x10;

  private Transport() {}

  public static int sourcePort(byte[] f, int l4) {
    return Bytes.u16(f, l4);
  }

  public static int destinationPort(byte[] f, int l4) {
    return Bytes.u16(f, l4 + 2);
  }

  /** The TCP header's length from its data offset (bounds: the caller checked TCP_MIN_LENGTH). */
  public static int tcpHeaderLength(byte[] f, int l4) {
    return ((f[l4 + 12] & 0xff) >>> 4) * 4;
  }

  public static int tcpFlags(byte[] f, int l4) {
    return Bytes.u8(f, l4 + 13);
  }

  /** Bytes the header needs before its fields may be read: 20 for TCP, 8 for UDP. */
  public static int minimumLength(int protocol) {
    return protocol == Ipv4Header.PROTO_TCP ? TCP_MIN_LENGTH : UDP_LENGTH;
  }

  /** Where the checksum sits in the protocol's header: 16 for TCP, 6 for UDP. */
  public static int checksumOffset(int protocol) {
    return protocol == Ipv4Header.PROTO_TCP ? TCP_CHECKSUM : UDP_CHECKSUM;
  }

  /**
   * Verifies the TCP/UDP checksum over the pseudo-header and {@code length} bytes of segment (UDP
   * checksum 0 means none). A frame captured from a veth with TX checksum offload carries only a
   * partial checksum and fails here.
   */
  public static boolean checksumValid(byte[] f, int l3, int l4, int protocol, int length) {
    if (protocol == Ipv4Header.PROTO_UDP && Bytes.u16(f, l4 + 6) == 0) {
      return true;
    }
    long sum = Checksums.sum(f, l3 + 12, 8) + protocol + length + Checksums.sum(f, l4, length);
    return Checksums.fold(sum) == 0xffff;
  }

  /**
   * Writes a UDP header at {@code l4} before {@code payload} bytes already in place, with its
   * checksum; the IPv4 header at {@code l3} must hold the addresses already.
   */
  public static void writeUdp(byte[] f, int l3, int l4, int sport, int dport, int payload) {
    int length = UDP_LENGTH + payload;
    Bytes.put16(f, l4, sport);
    Bytes.put16(f, l4 + 2, dport);
    Bytes.put16(f, l4 + 4, length);
    Bytes.put16(f, l4 + 6, 0);
    long sum = Checksums.sum(f, l3 + 12, 8) + Ipv4Header.PROTO_UDP + length + Checksums.sum(f, l4, length);
    int cs = Checksums.finish(sum);
    Bytes.put16(f, l4 + 6, cs == 0 ? 0xffff : cs);
  }

  /** Patches the checksum for an IP address change (pseudo-header); UDP checksum 0 stays 0. */
  public static void addressChanged(byte[] f, int l4, int protocol, int oldIp, int newIp) {
    int at = l4 + checksumOffset(protocol);
    int cs = Bytes.u16(f, at);
    if (protocol == Ipv4Header.PROTO_UDP && cs == 0) {
      return;
    }
    cs = Checksums.update32(cs, oldIp, newIp);
    Bytes.put16(f, at, protocol == Ipv4Header.PROTO_UDP && cs == 0 ? 0xffff : cs);
  }

  public static void setSourcePort(byte[] f, int l4, int protocol, int port) {
    setPort(f, l4, protocol, 0, port);
  }

  public static void setDestinationPort(byte[] f, int l4, int protocol, int port) {
    setPort(f, l4, protocol, 2, port);
  }

  private static void setPort(byte[] f, int l4, int protocol, int field, int port) {
    int old = Bytes.u16(f, l4 + field);
    if (old == port) {
      return;
    }
    Bytes.put16(f, l4 + field, port);
    int at = l4 + checksumOffset(protocol);
    int cs = Bytes.u16(f, at);
    if (protocol == Ipv4Header.PROTO_UDP && cs == 0) {
      return;
    }
    cs = Checksums.update16(cs, old, port);
    Bytes.put16(f, at, protocol == Ipv4Header.PROTO_UDP && cs == 0 ? 0xffff : cs);
  }
}
