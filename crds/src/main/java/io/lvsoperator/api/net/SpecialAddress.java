package io.lvsoperator.api.net;

/**
 * IPv4 addresses that a director must never announce nor send tenants' traffic to, whatever the
 * cluster (RFC 6890): they belong to every host (loopback, this network), to a link
 * (link-local, where cloud metadata services live), or to no single host (multicast,
 * reserved, broadcast).
 */
public enum SpecialAddress {
  UNSPECIFIED(0x00000000, 8, "an unspecified (\"this network\") address"),
  LOOPBACK(0x7f000000, 8, "a loopback address"),
  LINK_LOCAL(0xa9fe0000, 16, "a link-local address (169.254.0.0/16, where cloud metadata services answer)"),
  MULTICAST(0xe0000000, 4, "a multicast address"),
  BROADCAST(0xffffffff, 32, "the broadcast address"),
  RESERVED(0xf0000000, 4, "a reserved address (240.0.0.0/4)");

  private final int network;
  private final int mask;
  private final String description;

  SpecialAddress(int network, int length, String description) {
    this.network = network;
    this.mask = length == 0 ? 0 : -1 << (32 - length);
    this.description = description;
  }

  /** What kind of special address {@code address} is, or null for an ordinary unicast address. */
  public static SpecialAddress of(int address) {
    for (SpecialAddress s : values()) {
      if ((address & s.mask) == s.network) {
        return s;
      }
    }
    return null;
  }

  /** Every address of this kind. */
  public Ipv4Range range() {
    return Ipv4Range.of(new Ipv4Prefix(network, Integer.bitCount(mask)));
  }

  /** For a violation message: "is a loopback address". */
  public String description() {
    return description;
  }
}
