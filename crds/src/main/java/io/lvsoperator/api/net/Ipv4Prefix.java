package io.lvsoperator.api.net;

/** An IPv4 prefix such as 198.18.0.0/15; {@code address} keeps the host bits it was written with. */
public record Ipv4Prefix(int address, int length) {

  public Ipv4Prefix {
    if (length < 0 || length > 32) {
      throw new IllegalArgumentException("prefix length " + length + " is not within 0-32");
    }
  }

  /** Parses "a.b.c.d/len"; a bare address is a /32. */
  public static Ipv4Prefix parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("missing IPv4 prefix");
    }
    int slash = text.indexOf('/');
    if (slash < 0) {
      return new Ipv4Prefix(Ipv4.parse(text), 32);
    }
    String len = text.substring(slash + 1);
    if (len.isEmpty() || len.length() > 2 || !len.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("\"" + text + "\" has no valid prefix length");
    }
    return new Ipv4Prefix(Ipv4.parse(text.substring(0, slash)), Integer.parseInt(len));
  }

  public int mask() {
    return length == 0 ? 0 : -1 << (32 - length);
  }

  public int network() {
    return address & mask();
  }

  public boolean contains(int ip) {
    return (ip & mask()) == network();
  }

  @Override
  public String toString() {
    return Ipv4.format(address) + "/" + length;
  }
}
