package io.lvsoperator.dataplane.codec;

/**
 * VRRP version 3 advertisements over IPv4 (RFC 5798 section 5), what directors send each other
 * to say they are alive (docs/architecture.md, "Director liveness"): IP protocol 112 to
 * 224.0.0.18 with TTL 255, one virtual router ID per director. The checksum covers an IPv4
 * pseudo-header, as RFC 5798 section 5.2.8 asks and keepalived does.
 */
public final class Vrrp {
  public static final int IP_PROTOCOL = 112;
  /** 224.0.0.18, and the Ethernet address it maps to (RFC 1112): 01:00:5e:00:00:12. */
  public static final int GROUP = 0xE0000012;
  public static final long GROUP_MAC = 0x01005E000012L;
  public static final int TTL = 255;
  public static final int VERSION = 3;
  public static final int TYPE_ADVERTISEMENT = 1;
  public static final int HEADER_LENGTH = 8;
  /** Priority 0: the sender stops (RFC 5798 section 6.4.3, "resigning"). */
  public static final int PRIORITY_STOPPING = 0;

  private Vrrp() {}

  public static int version(byte[] f, int o) {
    return Bytes.u8(f, o) >>> 4;
  }

  public static int type(byte[] f, int o) {
    return Bytes.u8(f, o) & 0x0f;
  }

  public static int routerId(byte[] f, int o) {
    return Bytes.u8(f, o + 1);
  }

  public static int priority(byte[] f, int o) {
    return Bytes.u8(f, o + 2);
  }

  public static int addressCount(byte[] f, int o) {
    return Bytes.u8(f, o + 3);
  }

  /** Max Adver Int, in centiseconds (12 bits). */
  public static int intervalCentis(byte[] f, int o) {
    return Bytes.u16(f, o + 4) & 0x0fff;
  }

  public static int address(byte[] f, int o, int index) {
    return Bytes.i32(f, o + HEADER_LENGTH + 4 * index);
  }

  /** Bytes of an advertisement carrying {@code addresses} IPv4 addresses. */
  public static int length(int addresses) {
    return HEADER_LENGTH + 4 * addresses;
  }

  /**
   * Writes an advertisement at {@code o} and returns its length.
   *
   * @param src the IPv4 source the packet will carry (part of the checksum), as {@code dst}
   */
  public static int write(byte[] f, int o, int routerId, int priority, int intervalCentis, int[] addresses,
      int addressCount, int src, int dst) {
    Bytes.put8(f, o, VERSION << 4 | TYPE_ADVERTISEMENT);
    Bytes.put8(f, o + 1, routerId);
    Bytes.put8(f, o + 2, priority);
    Bytes.put8(f, o + 3, addressCount);
    Bytes.put16(f, o + 4, intervalCentis & 0x0fff);
    Bytes.put16(f, o + 6, 0);
    for (int i = 0; i < addressCount; i++) {
      Bytes.put32(f, o + HEADER_LENGTH + 4 * i, addresses[i]);
    }
    int len = length(addressCount);
    Bytes.put16(f, o + 6, Checksums.finish(pseudoHeaderSum(src, dst, len) + Checksums.sum(f, o, len)));
    return len;
  }

  /**
   * Why an advertisement of {@code len} bytes is not one to act on, or null when it is: RFC 5798
   * section 7.1's checks that need no configuration (version, type, length, address count,
   * checksum). The caller checks TTL, sender and router ID.
   */
  public static String malformed(byte[] f, int o, int len, int src, int dst) {
    if (len < HEADER_LENGTH) {
      return "short";
    }
    if (version(f, o) != VERSION) {
      return "version";
    }
    if (type(f, o) != TYPE_ADVERTISEMENT) {
      return "type";
    }
    if (len < length(addressCount(f, o))) {
      return "address count";
    }
    if (Checksums.fold(pseudoHeaderSum(src, dst, len) + Checksums.sum(f, o, len)) != 0xffff) {
      return "checksum";
    }
    return null;
  }

  private static long pseudoHeaderSum(int src, int dst, int len) {
    return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + IP_PROTOCOL + len;
  }
}
