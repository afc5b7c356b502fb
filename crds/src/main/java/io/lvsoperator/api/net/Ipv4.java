package io.lvsoperator.api.net;

/** IPv4 addresses as ints (network order in the int's bits), parsed strictly from dotted quads. */
public final class Ipv4 {
  private Ipv4() {}

  /**
   * Parses "a.b.c.d" (four groups of one to three digits, each at most 255); throws
   * IllegalArgumentException with the text when it is not one. One pass, no allocation: a
   * director compiles hundreds of thousands of these.
   */
  public static int parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("missing IPv4 address");
    }
    int value = 0;
    int octets = 0;
    int octet = 0;
    int digits = 0;
    for (int i = 0, n = text.length(); i <= n; i++) {
      char c = i == n ? '.' : text.charAt(i);
      if (c >= '0' && c <= '9' && digits < 3) {
        octet = octet * 10 + (c - '0');
        digits++;
      } else if (c == '.' && digits > 0 && octet <= 255 && octets < 4) {
        value = (value << 8) | octet;
        octets++;
        octet = 0;
        digits = 0;
      } else {
        throw new IllegalArgumentException("\"" + text + "\" is not an IPv4 address");
      }
    }
    if (octets != 4) {
      throw new IllegalArgumentException("\"" + text + "\" is not an IPv4 address");
    }
    return value;
  }

  public static boolean isValid(String text) {
    try {
      parse(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  public static String format(int address) {
    return ((address >>> 24) & 0xff)
        + "."
        + ((address >>> 16) & 0xff)
        + "."
        + ((address >>> 8) & 0xff)
        + "."
        + (address & 0xff);
  }
}
