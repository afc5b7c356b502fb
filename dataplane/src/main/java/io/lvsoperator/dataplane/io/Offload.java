package io.lvsoperator.dataplane.io;

/**
 * What the kernel tells of a frame beside its bytes, as a packet socket's virtio-net header
 * carries it (docs/architecture.md, "Offloads"): its layer-4 checksum still to be finished
 * (partial: the field holds only the pseudo-header's sum, as a sender with checksum offload
 * leaves it), or already checked; and whether the frame is a GSO/GRO super-frame standing for
 * segments of {@link #gsoSize()} payload bytes each. One instance per port, filled per frame;
 * {@link #NONE} says nothing and cannot change.
 */
public final class Offload {
  /** virtio_net_hdr flags. */
  public static final int NEEDS_CSUM = 1;
  public static final int DATA_VALID = 2;
  /** virtio_net_hdr gso_type values; ECN is a flag bit beside them. */
  public static final int GSO_NONE = 0;
  public static final int GSO_TCPV4 = 1;
  public static final int GSO_UDP = 3;
  public static final int GSO_TCPV6 = 4;
  public static final int GSO_UDP_L4 = 5;
  public static final int GSO_ECN = 0x80;

  public static final Offload NONE = new Offload(true);

  private final boolean frozen;
  private int flags;
  private int gsoType;
  private int gsoSize;
  private int checksumStart;
  private int checksumOffset;

  public Offload() {
    this(false);
  }

  private Offload(boolean frozen) {
    this.frozen = frozen;
  }

  /** Sets every field (checksum start counted from the frame's first byte, its Ethernet header). */
  public Offload set(int flags, int gsoType, int gsoSize, int checksumStart, int checksumOffset) {
    if (frozen) {
      throw new IllegalStateException("Offload.NONE cannot change");
    }
    this.flags = flags;
    this.gsoType = gsoType;
    this.gsoSize = gsoSize;
    this.checksumStart = checksumStart;
    this.checksumOffset = checksumOffset;
    return this;
  }

  public Offload copyFrom(Offload other) {
    return set(other.flags, other.gsoType, other.gsoSize, other.checksumStart, other.checksumOffset);
  }

  /** Nothing to say: a plain frame with whatever checksums it carries. */
  public boolean none() {
    return flags == 0 && gsoType == GSO_NONE;
  }

  /** The layer-4 checksum field holds the pseudo-header's sum; the rest is added on the way out. */
  public boolean partial() {
    return (flags & NEEDS_CSUM) != 0;
  }

  /** No need to verify the layer-4 checksum: finished on the way out, or already checked. */
  public boolean checksumTrusted() {
    return (flags & (NEEDS_CSUM | DATA_VALID)) != 0;
  }

  /** A super-frame standing for several segments. */
  public boolean gso() {
    return (gsoType & ~GSO_ECN) != GSO_NONE;
  }

  public int flags() {
    return flags;
  }

  /** The GSO type with its ECN bit. */
  public int gsoType() {
    return gsoType;
  }

  /** Payload bytes per segment of a super-frame. */
  public int gsoSize() {
    return gsoSize;
  }

  public int checksumStart() {
    return checksumStart;
  }

  public int checksumOffset() {
    return checksumOffset;
  }

  @Override
  public String toString() {
    return "Offload{flags=" + flags + ", gsoType=" + gsoType + ", gsoSize=" + gsoSize + ", checksumStart="
        + checksumStart + ", checksumOffset=" + checksumOffset + "}";
  }
}
