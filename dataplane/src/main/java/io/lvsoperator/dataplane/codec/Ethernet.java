package io.lvsoperator.dataplane.codec;

/** Ethernet II header at offset 0 of a frame. */
public final class Ethernet {
  public static final int HEADER_LENGTH = 14;
  public static final int TYPE_IPV4 = 0x0800;
  public static final int TYPE_ARP = 0x0806;
  public static final int TYPE_VLAN = 0x8100;

  private static final int DST = 0;
  private static final int SRC = 6;
  private static final int TYPE = 12;

  private Ethernet() {}

  public static long destination(byte[] f) {
    return Bytes.u48(f, DST);
  }

  public static long source(byte[] f) {
    return Bytes.u48(f, SRC);
  }

  public static int etherType(byte[] f) {
    return Bytes.u16(f, TYPE);
  }

  public static void setDestination(byte[] f, long mac) {
    Bytes.put48(f, DST, mac);
  }

  public static void setSource(byte[] f, long mac) {
    Bytes.put48(f, SRC, mac);
  }

  public static void write(byte[] f, long dst, long src, int etherType) {
    Bytes.put48(f, DST, dst);
    Bytes.put48(f, SRC, src);
    Bytes.put16(f, TYPE, etherType);
  }
}
