package io.lvsoperator.api.net;

/**
 * A range of IPv4 addresses, first to last inclusive, as a VipPool writes it: a prefix
 * ("198.18.100.0/28", every address of it) or "first-last" ("198.18.100.20-198.18.100.30").
 * Bounds are kept as unsigned values in longs so ranges compare and count without sign tricks.
 */
public record Ipv4Range(long first, long last) {
  public Ipv4Range {
    if (first < 0 || last > 0xffffffffL || first > last) {
      throw new IllegalArgumentException("not a range: " + first + "-" + last);
    }
  }

  /** Parses "a.b.c.d/len", "a.b.c.d-e.f.g.h" or a single address; the message names the text. */
  public static Ipv4Range parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("missing address range");
    }
    String t = text.strip();
    int dash = t.indexOf('-');
    if (dash >= 0) {
      long first = unsigned(Ipv4.parse(t.substring(0, dash).strip()));
      long last = unsigned(Ipv4.parse(t.substring(dash + 1).strip()));
      if (first > last) {
        throw new IllegalArgumentException("\"" + text + "\" ends before it starts");
      }
      return new Ipv4Range(first, last);
    }
    Ipv4Prefix p = Ipv4Prefix.parse(t);
    if (p.address() != p.network()) {
      throw new IllegalArgumentException("\"" + text + "\" has host bits set; the prefix is "
          + Ipv4.format(p.network()) + "/" + p.length());
    }
    return of(p);
  }

  public static Ipv4Range of(Ipv4Prefix p) {
    long first = unsigned(p.network());
    return new Ipv4Range(first, first + (1L << (32 - p.length())) - 1);
  }

  public static Ipv4Range single(int address) {
    return new Ipv4Range(unsigned(address), unsigned(address));
  }

  public long size() {
    return last - first + 1;
  }

  public boolean contains(int address) {
    long a = unsigned(address);
    return a >= first && a <= last;
  }

  public boolean overlaps(Ipv4Range other) {
    return first <= other.last && other.first <= last;
  }

  /** The {@code index}-th address of the range (0 is the first). */
  public int address(long index) {
    return (int) (first + index);
  }

  private static long unsigned(int address) {
    return address & 0xffffffffL;
  }

  @Override
  public String toString() {
    return first == last ? Ipv4.format((int) first) : Ipv4.format((int) first) + "-" + Ipv4.format((int) last);
  }
}
