package io.lvsoperator.dataplane.lvs.conn;

/**
 * Where the later fragments of a datagram go. Only a datagram's first fragment carries its ports,
 * so the engine schedules or translates that one as any packet and notes here where the others
 * must follow: to the same real server (inbound), or back to the same VIP (NAT replies), and, in
 * FULLNAT, the source they must leave with (the local address inbound, the VIP outbound). Keyed by
 * what every fragment carries (source, destination, protocol, IP ID) and the direction; entries
 * live a few seconds. Fixed-size open addressing with a seeded hash and a bounded probe: when no
 * slot is free the oldest of the probed ones is replaced, so a flood of fragments costs no memory
 * and no time, only its own datagrams. Engine thread only.
 */
public final class FragmentTable {
  public static final int NONE = 0;
  /** A note for fragments toward a real server. */
  public static final int INBOUND = 0;
  /** A note for fragments of a NAT reply toward a client. */
  public static final int OUTBOUND = 1;

  private static final int PROBES = 8;

  private final int mask;
  private final int seed;
  private final long[] addresses;
  private final int[] rest;
  private final int[] target;
  private final int[] source;
  private final byte[] method;
  private final long[] expiresAt;
  private final boolean[] used;

  public FragmentTable(int capacity, int seed) {
    int slots = Integer.highestOneBit(Math.max(16, capacity - 1)) << 1;
    this.mask = slots - 1;
    this.seed = seed;
    addresses = new long[slots];
    rest = new int[slots];
    target = new int[slots];
    source = new int[slots];
    method = new byte[slots];
    expiresAt = new long[slots];
    used = new boolean[slots];
  }

  private static long addresses(int src, int dst) {
    return ((long) src << 32) | (dst & 0xffffffffL);
  }

  private static int rest(int protocol, int id, int direction) {
    return (direction << 24) | ((protocol & 0xff) << 16) | (id & 0xffff);
  }

  private int home(long a, int r) {
    int h = (seed ^ (int) (a >>> 32)) * 0x9E3779B1;
    h = (h ^ (int) a) * 0x85EBCA6B;
    h = (h ^ r) * 0xC2B2AE35;
    return (h ^ (h >>> 16)) & mask;
  }

  /** Notes that the datagram's other fragments go to {@code to} by {@code xmitMethod}. */
  public void note(int direction, int src, int dst, int protocol, int id, int to, int xmitMethod, long ttlNanos,
      long now) {
    note(direction, src, dst, protocol, id, to, 0, xmitMethod, ttlNanos, now);
  }

  /** As above, leaving from {@code from} (FULLNAT rewrites the source too). */
  public void note(int direction, int src, int dst, int protocol, int id, int to, int from, int xmitMethod,
      long ttlNanos, long now) {
    long a = addresses(src, dst);
    int r = rest(protocol, id, direction);
    int slot = home(a, r);
    int victim = slot;
    for (int n = 0; n < PROBES; n++) {
      int i = (slot + n) & mask;
      if (!used[i] || expiresAt[i] - now <= 0 || addresses[i] == a && rest[i] == r) {
        victim = i;
        break;
      }
      if (expiresAt[i] - expiresAt[victim] < 0) {
        victim = i;
      }
    }
    used[victim] = true;
    addresses[victim] = a;
    rest[victim] = r;
    target[victim] = to;
    source[victim] = from;
    method[victim] = (byte) xmitMethod;
    expiresAt[victim] = now + ttlNanos;
  }

  /** The slot noted for this datagram, or -1: read {@link #target} and {@link #method} from it. */
  public int find(int direction, int src, int dst, int protocol, int id, long now) {
    long a = addresses(src, dst);
    int r = rest(protocol, id, direction);
    int slot = home(a, r);
    for (int n = 0; n < PROBES; n++) {
      int i = (slot + n) & mask;
      if (used[i] && addresses[i] == a && rest[i] == r) {
        return expiresAt[i] - now > 0 ? i : -1;
      }
    }
    return -1;
  }

  public int target(int slot) {
    return target[slot];
  }

  /** The source the fragments leave with (FULLNAT), 0 when it stays. */
  public int source(int slot) {
    return source[slot];
  }

  public int method(int slot) {
    return method[slot];
  }
}
