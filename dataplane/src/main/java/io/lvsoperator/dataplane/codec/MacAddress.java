package io.lvsoperator.dataplane.codec;

/** MAC addresses as the low 48 bits of a long, so tables hold them without objects. */
public final class MacAddress {
  public static final long BROADCAST = 0xffff_ffff_ffffL;
  public static final long NONE = 0L;

  private MacAddress() {}

  public static long of(byte[] six) {
    if (six == null || six.length != 6) {
      throw new IllegalArgumentException("a MAC address has 6 bytes");
    }
    return Bytes.u48(six, 0);
  }

  public static long parse(String text) {
    String[] parts = text.split(":");
    if (parts.length != 6) {
      throw new IllegalArgumentException("\"" + text + "\" is not a MAC address");
    }
    long v = 0;
    for (String p : parts) {
      v = (v << 8) | Integer.parseInt(p, 16);
    }
    return v;
  }

  public static String format(long mac) {
    StringBuilder sb = new StringBuilder(17);
    for (int shift = 40; shift >= 0; shift -= 8) {
      int octet = (int) (mac >>> shift) & 0xff;
      if (sb.length() > 0) {
        sb.append(':');
      }
      sb.append(Character.forDigit(octet >> 4, 16)).append(Character.forDigit(octet & 0xf, 16));
    }
    return sb.toString();
  }

  /** A unicast MAC: neither zero nor with the group bit (multicast, broadcast) set. */
  public static boolean isUnicast(long mac) {
    return mac != NONE && (mac & (1L << 40)) == 0;
  }
}
