package io.lvsoperator.dataplane.lvs.conn;

/**
 * The director's source port for a new FULLNAT connection (docs/architecture.md, "Full-NAT"): a
 * port of the range that no entry holds towards that real server and port, so each real server
 * may have as many connections from one local address as the range has ports. The connection
 * table's "out" index is the only record: a port is free again when its entry is gone, with no
 * bookkeeping to get out of step. Ports are tried at random (a fixed number of times, no
 * allocation); a range nearly full for one real server may therefore refuse a connection before
 * it is exactly full, which the engine counts. Engine thread only.
 */
public final class LocalPorts {
  /** Above Linux's ephemeral range (32768-60999), so the node's own connections never use them. */
  public static final int DEFAULT_FIRST = 61000;
  public static final int DEFAULT_LAST = 65535;
  static final int TRIES = 64;

  private final int first;
  private final int size;
  private int state;

  public LocalPorts(int first, int last, int seed) {
    if (first < 1 || last > 65535 || first > last) {
      throw new IllegalArgumentException("local port range " + first + "-" + last + " is not within 1-65535");
    }
    this.first = first;
    this.size = last - first + 1;
    this.state = seed == 0 ? 0x2545F491 : seed;
  }

  public LocalPorts() {
    this(DEFAULT_FIRST, DEFAULT_LAST, new java.security.SecureRandom().nextInt());
  }

  public int first() {
    return first;
  }

  public int last() {
    return first + size - 1;
  }

  public boolean contains(int port) {
    return port >= first && port < first + size;
  }

  /** A port of the range free towards {@code rip:rport} from {@code lip}, or -1. */
  public int pick(ConnectionTable table, int protocol, int rip, int rport, int lip, long now) {
    for (int n = 0; n < TRIES; n++) {
      int x = state; // xorshift32
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      state = x;
      int port = first + (int) ((x & 0xffffffffL) % size);
      if (table.lookupOut(protocol, rip, rport, lip, port, now) == ConnectionTable.NONE) {
        return port;
      }
    }
    return -1;
  }
}
