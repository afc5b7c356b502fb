package io.lvsoperator.dataplane.codec;

/** The Internet checksum: computed whole (RFC 1071) or updated incrementally (RFC 1624). */
public final class Checksums {
  private Checksums() {}

  /** One's complement sum of {@code len} bytes, not yet folded or inverted. */
  public static long sum(byte[] b, int off, int len) {
    long sum = 0;
    int i = off;
    int end = off + len - 1;
    for (; i < end; i += 2) {
      sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }
    if (i == end) {
      sum += (b[i] & 0xff) << 8;
    }
    return sum;
  }

  public static int fold(long sum) {
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    return (int) sum;
  }

  /** The checksum to store for data whose sum (checksum field zeroed) is {@code sum}. */
  public static int finish(long sum) {
    return ~fold(sum) & 0xffff;
  }

  public static int compute(byte[] b, int off, int len) {
    return finish(sum(b, off, len));
  }

  /** RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m') for one 16-bit word changing from m to m'. */
  public static int update16(int checksum, int oldWord, int newWord) {
    long sum = (~checksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
    return ~fold(sum) & 0xffff;
  }

  /** The same for a 32-bit field (an IPv4 address), as two 16-bit words. */
  public static int update32(int checksum, int oldValue, int newValue) {
    long sum =
        (~checksum & 0xffff)
            + (~(oldValue >>> 16) & 0xffff)
            + (~oldValue & 0xffff)
            + ((newValue >>> 16) & 0xffff)
            + (newValue & 0xffff);
    return ~fold(sum) & 0xffff;
  }
}
