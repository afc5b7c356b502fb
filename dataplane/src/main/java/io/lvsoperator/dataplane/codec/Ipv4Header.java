package io.lvsoperator.dataplane.codec;

/** The IPv4 header at offset 14 of an Ethernet frame (or any offset, for tunnelled packets). */
public final class Ipv4Header {
  public static final int MIN_LENGTH = 20;
  public static final int PROTO_ICMP = 1;
  public static final int PROTO_IPIP = 4;
  public static final int PROTO_TCP = 6;
  public static final int PROTO_UDP = 17;
  public static final int FLAG_DF = 0x4000;
  public static final int FLAG_MF = 0x2000;
  public static final int FRAGMENT_OFFSET_MASK = 0x1fff;

  private Ipv4Header() {}

  public static int version(byte[] f, int o) {
    return (f[o] & 0xf0) >>> 4;
  }

  public static int headerLength(byte[] f, int o) {
    return (f[o] & 0x0f) * 4;
  }

  public static int tos(byte[] f, int o) {
    return Bytes.u8(f, o + 1);
  }

  public static int totalLength(byte[] f, int o) {
    return Bytes.u16(f, o + 2);
  }

  public static int id(byte[] f, int o) {
    return Bytes.u16(f, o + 4);
  }

  public static int flagsAndOffset(byte[] f, int o) {
    return Bytes.u16(f, o + 6);
  }

  public static boolean isFragment(byte[] f, int o) {
    return (flagsAndOffset(f, o) & (FLAG_MF | FRAGMENT_OFFSET_MASK)) != 0;
  }

  public static boolean dontFragment(byte[] f, int o) {
    return (flagsAndOffset(f, o) & FLAG_DF) != 0;
  }

  public static int ttl(byte[] f, int o) {
    return Bytes.u8(f, o + 8);
  }

  public static int protocol(byte[] f, int o) {
    return Bytes.u8(f, o + 9);
  }

  public static int checksum(byte[] f, int o) {
    return Bytes.u16(f, o + 10);
  }

  public static int source(byte[] f, int o) {
    return Bytes.i32(f, o + 12);
  }

  public static int destination(byte[] f, int o) {
    return Bytes.i32(f, o + 16);
  }

  public static boolean checksumValid(byte[] f, int o) {
    return Checksums.fold(Checksums.sum(f, o, headerLength(f, o))) == 0xffff;
  }

  /** Rewrites the source address and patches the header checksum incrementally. */
  public static void setSource(byte[] f, int o, int ip) {
    int old = source(f, o);
    Bytes.put32(f, o + 12, ip);
    Bytes.put16(f, o + 10, Checksums.update32(checksum(f, o), old, ip));
  }

  public static void setDestination(byte[] f, int o, int ip) {
    int old = destination(f, o);
    Bytes.put32(f, o + 16, ip);
    Bytes.put16(f, o + 10, Checksums.update32(checksum(f, o), old, ip));
  }

  /** Decrements TTL, patching the checksum (TTL shares its 16-bit word with the protocol). */
  public static void decrementTtl(byte[] f, int o) {
    int oldWord = Bytes.u16(f, o + 8);
    Bytes.put8(f, o + 8, ttl(f, o) - 1);
    Bytes.put16(f, o + 10, Checksums.update16(checksum(f, o), oldWord, Bytes.u16(f, o + 8)));
  }

  /** Writes a 20-byte header with a computed checksum. */
  public static void write(
      byte[] f, int o, int tos, int totalLength, int id, int flags, int ttl, int protocol, int src, int dst) {
    f[o] = 0x45;
    Bytes.put8(f, o + 1, tos);
    Bytes.put16(f, o + 2, totalLength);
    Bytes.put16(f, o + 4, id);
    Bytes.put16(f, o + 6, flags);
    Bytes.put8(f, o + 8, ttl);
    Bytes.put8(f, o + 9, protocol);
    Bytes.put16(f, o + 10, 0);
    Bytes.put32(f, o + 12, src);
    Bytes.put32(f, o + 16, dst);
    Bytes.put16(f, o + 10, Checksums.compute(f, o, MIN_LENGTH));
  }
}
