package io.lvsoperator.dataplane.codec;

/**
 * A layer-4 checksum left partial by a sender with checksum offload: the field holds the
 * pseudo-header's one's complement sum, folded and not inverted, and whoever sends the frame last
 * adds the segment's bytes (docs/architecture.md, "Offloads"). Address changes patch it without
 * the inversions of RFC 1624 (the kernel's inet_proto_csum_replace4 does the same); port changes
 * leave it alone, since the ports are summed when it is finished.
 */
public final class PartialChecksum {
  private PartialChecksum() {}

  /** The pseudo-header's sum as a partial checksum holds it, for {@code l4Length} bytes of segment. */
  public static int pseudoHeader(byte[] f, int l3, int protocol, int l4Length) {
    return Checksums.fold(Checksums.sum(f, l3 + 12, 8) + protocol + l4Length);
  }

  /** Patches a partial checksum at {@code at} for a pseudo-header address changing from old to new. */
  public static void addressChanged(byte[] f, int at, int oldIp, int newIp) {
    long sum = Bytes.u16(f, at)
        + (~(oldIp >>> 16) & 0xffff) + (~oldIp & 0xffff)
        + ((newIp >>> 16) & 0xffff) + (newIp & 0xffff);
    Bytes.put16(f, at, Checksums.fold(sum));
  }

  /**
   * Finishes the checksum in software: sums from {@code start} (the layer-4 header) to {@code end},
   * the pseudo-header's sum included through the field at {@code start + offset}. A UDP checksum
   * that comes out 0 is sent as 0xffff (0 means none).
   */
  public static void finish(byte[] f, int start, int offset, int end) {
    int cs = Checksums.finish(Checksums.sum(f, start, end - start));
    Bytes.put16(f, start + offset, cs == 0 && offset == Transport.UDP_CHECKSUM ? 0xffff : cs);
  }
}
