package io.lvsoperator.dataplane.codec;

/** ARP for IPv4 over Ethernet (RFC 826), at offset 14 of a frame. */
public final class Arp {
  public static final int LENGTH = 28;
  public static final int FRAME_LENGTH = Ethernet.HEADER_LENGTH + LENGTH;
  public static final int OP_REQUEST = 1;
  public static final int OP_REPLY = 2;

  private static final int O = Ethernet.HEADER_LENGTH;

  private Arp() {}

  /** Ethernet hardware, IPv4 protocol, address lengths 6 and 4: the only ARP we speak. */
  public static boolean isEthernetIpv4(byte[] f, int len) {
    return len >= FRAME_LENGTH
        && Bytes.u16(f, O) == 1
        && Bytes.u16(f, O + 2) == Ethernet.TYPE_IPV4
        && Bytes.u8(f, O + 4) == 6
        && Bytes.u8(f, O + 5) == 4;
  }

  public static int operation(byte[] f) {
    return Bytes.u16(f, O + 6);
  }

  public static long senderMac(byte[] f) {
    return Bytes.u48(f, O + 8);
  }

  public static int senderIp(byte[] f) {
    return Bytes.i32(f, O + 14);
  }

  public static long targetMac(byte[] f) {
    return Bytes.u48(f, O + 18);
  }

  public static int targetIp(byte[] f) {
    return Bytes.i32(f, O + 24);
  }

  /** Writes a whole ARP frame (Ethernet header included); returns its length. */
  public static int write(
      byte[] f, long ethDst, long ethSrc, int op, long senderMac, int senderIp, long targetMac, int targetIp) {
    Ethernet.write(f, ethDst, ethSrc, Ethernet.TYPE_ARP);
    Bytes.put16(f, O, 1);
    Bytes.put16(f, O + 2, Ethernet.TYPE_IPV4);
    Bytes.put8(f, O + 4, 6);
    Bytes.put8(f, O + 5, 4);
    Bytes.put16(f, O + 6, op);
    Bytes.put48(f, O + 8, senderMac);
    Bytes.put32(f, O + 14, senderIp);
    Bytes.put48(f, O + 18, targetMac);
    Bytes.put32(f, O + 24, targetIp);
    return FRAME_LENGTH;
  }
}
