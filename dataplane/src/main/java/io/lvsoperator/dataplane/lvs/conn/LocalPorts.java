package io.lvsoperator.dataplane.lvs.conn;

import io.lvsoperator.dataplane.lvs.sched.Hashing;

/**
 * The director's source port for a new FULLNAT connection (docs/architecture.md, "Full-NAT"): a
 * port of the range that no entry holds towards that real server and port, so each real server
 * may have as many connections from one local address (a VIP, or the node's) as the range has
 * ports. The connection
 * table's "out" index is the only record: a port is free again when its entry is gone, with no
 * bookkeeping to get out of step. The flow's own port (a hash of the client's address and port,
 * the same on every director) is tried first, then random ones (a fixed number of times, no
 * allocation); a range nearly full for one real server may therefore refuse a connection before
 * it is exactly full, which the engine counts. Engine thread only.
 *
 * <p>With several workers, each takes only the ports of its share, those equal to its index
 * modulo the workers: the fanout hands a FULLNAT reply to the worker its local port names
 * (docs/architecture.md, "Workers"), which is then the one holding the connection.
 */
public final class LocalPorts {
  /** Above Linux's ephemeral range (32768-60999), so the node's own connections never use them. */
  public static final int DEFAULT_FIRST = 61000;
  public static final int DEFAULT_LAST = 65535;
  static final int TRIES = 64;

  private final int first;
  private final int size;
  /** The first port of this worker's share, the share's size, and the step between its ports. */
  private final int shareFirst;
  private final int shareSize;
  private final int workers;
  private int state;

  public LocalPorts(int first, int last, int seed) {
    this(first, last, seed, 0, 1);
  }

  /** The share of worker {@code worker} of {@code workers}: the ports of the range equal to it modulo the workers. */
  public LocalPorts(int first, int last, int seed, int worker, int workers) {
    if (first < 1 || last > 65535 || first > last) {
      throw new IllegalArgumentException("local port range " + first + "-" + last + " is not within 1-65535");
    }
    if (workers < 1 || worker < 0 || worker >= workers) {
      throw new IllegalArgumentException("worker " + worker + " of " + workers);
    }
    if (last - first + 1 < workers) {
      throw new IllegalArgumentException("local port range " + first + "-" + last + " has fewer ports than the "
          + workers + " workers");
    }
    this.first = first;
    this.size = last - first + 1;
    this.workers = workers;
    this.shareFirst = first + Math.floorMod(worker - first, workers);
    this.shareSize = (last - shareFirst) / workers + 1;
    this.state = seed == 0 ? 0x2545F491 : seed;
  }

  /** This worker's share of the range, for another worker of {@code workers}. */
  public LocalPorts share(int worker, int workers) {
    return new LocalPorts(first, last(), state ^ (worker * 0x9e3779b9), worker, workers);
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

  /**
   * A port of the range free towards {@code rip:rport} from {@code lip} for the client
   * {@code cip:cport}, or -1: its {@link #flowPort} first, then random ones.
   */
  public int pick(ConnectionTable table, int protocol, int rip, int rport, int lip, int cip, int cport, long now) {
    int port = flowPort(cip, cport, rport);
    if (free(table, protocol, rip, rport, lip, port, now)) {
      return port;
    }
    for (int n = 1; n < TRIES; n++) {
      int x = state; // xorshift32
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      state = x;
      port = shareFirst + (int) ((x & 0xffffffffL) % shareSize) * workers;
      if (free(table, protocol, rip, rport, lip, port, now)) {
        return port;
      }
    }
    return -1;
  }

  /**
   * The port every director tries first for this client's connection to that real server port:
   * a director taking a VIP over computes the port of a flow too young to have been synced, and
   * its real server goes on talking to the same one (docs/architecture.md, "Full-NAT"). As
   * unpredictable as the client's own port. Within this worker's share: directors with as many
   * workers agree on it (the same client goes to the same worker on each).
   */
  public int flowPort(int cip, int cport, int rport) {
    long hash = Hashing.mix(Hashing.mix(cip) ^ (cport << 16 | rport)) & 0xffffffffL;
    return shareFirst + (int) (hash % shareSize) * workers;
  }

  /**
   * Whether no entry holds {@code port} towards {@code rip:rport} from {@code lip}, nor is a
   * connection of that real server as a client of lip (with source VIP, lip is a VIP) from rport
   * to it: its packets would pass for replies.
   */
  public boolean free(ConnectionTable table, int protocol, int rip, int rport, int lip, int port, long now) {
    return table.lookupOut(protocol, rip, rport, lip, port, now) == ConnectionTable.NONE
        && table.lookupIn(protocol, rip, rport, lip, port, now) == ConnectionTable.NONE;
  }
}
