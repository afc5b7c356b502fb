package io.lvsoperator.api.net;

/** IPv4 addresses as ints (network order in the int's bits), parsed strictly from dotted quads. */
public final class Ipv4 {
  private Ipv4() {}

  /** Parses "a.b.c.d"; throws IllegalArgumentException with the text when it is not one. */
  public static int parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("missing IPv4 address");
    }
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("\"" + text + "\" is not an IPv4 address");
    }
    int value = 0;
    for (String part : parts) {
      if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new IllegalArgumentException("\"" + text + "\" is not an IPv4 address");
      }
      int octet = Integer.parseInt(part);
      if (octet > 255) {
        throw new IllegalArgumentException("\"" + text + "\" is not an IPv4 address");
      }
      value = (value << 8) | octet;
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
