package io.lvsoperator.dataplane.lvs.service;

/**
 * The mutable side of a real server: connection counts and traffic counters. It outlives
 * configuration swaps, so connections made under an old table keep counting against the same
 * real server (IPVS keeps its dest alive the same way).
 *
 * <p>Each worker counts in a stripe of its own, written by its engine thread only, with no lock
 * and no atomic instruction; a reader (metrics, state, the least-connection schedulers of every
 * worker) sums the stripes, where a slightly stale value is fine, as IPVS's schedulers read its
 * dests' counters without a lock (docs/architecture.md, "Workers"). Stripes lie 128 bytes apart,
 * so two workers never write the same cache line.
 */
public final class DestinationStats {
  private static final int ACTIVE = 0;
  private static final int INACTIVE = 1;
  private static final int TOTAL = 2;
  private static final int PACKETS = 3;
  private static final int BYTES = 4;
  /** Longs per stripe: 128 bytes, two cache lines of 64 (adjacent-line prefetch pairs them). */
  private static final int STRIPE = 16;

  private final long[] counts;
  private final int workers;
  /** Cleared by health checks; an unhealthy real server takes no new connections. */
  public volatile boolean healthy = true;

  public DestinationStats() {
    this(1);
  }

  public DestinationStats(int workers) {
    if (workers < 1) {
      throw new IllegalArgumentException("workers " + workers);
    }
    this.workers = workers;
    // a stripe ahead of the first too: nothing else in the heap shares a line with worker 0's
    this.counts = new long[(workers + 1) * STRIPE];
  }

  public int workers() {
    return workers;
  }

  private static int at(int worker, int field) {
    return (worker + 1) * STRIPE + field;
  }

  /** A connection of worker {@code worker} opened, ESTABLISHED ({@code active}) or not. */
  public void opened(int worker, boolean active) {
    counts[at(worker, TOTAL)]++;
    counts[at(worker, active ? ACTIVE : INACTIVE)]++;
  }

  /** A connection of worker {@code worker} went ESTABLISHED ({@code active}) or left it. */
  public void moved(int worker, boolean active) {
    counts[at(worker, active ? ACTIVE : INACTIVE)]++;
    counts[at(worker, active ? INACTIVE : ACTIVE)]--;
  }

  /** A connection of worker {@code worker} ended, ESTABLISHED ({@code active}) or not. */
  public void closed(int worker, boolean active) {
    counts[at(worker, active ? ACTIVE : INACTIVE)]--;
  }

  /** Worker {@code worker} sent {@code bytes} to this real server in one packet. */
  public void sent(int worker, int bytes) {
    counts[at(worker, PACKETS)]++;
    counts[at(worker, BYTES)] += bytes;
  }

  private long sum(int field) {
    long n = 0;
    for (int w = 0; w < workers; w++) {
      n += counts[at(w, field)];
    }
    return n;
  }

  /** TCP connections in ESTABLISHED. */
  public int activeConnections() {
    return (int) sum(ACTIVE);
  }

  /** TCP connections in any other state and UDP flows, as ipvsadm counts InActConn. */
  public int inactiveConnections() {
    return (int) sum(INACTIVE);
  }

  public long totalConnections() {
    return sum(TOTAL);
  }

  public long packets() {
    return sum(PACKETS);
  }

  public long bytes() {
    return sum(BYTES);
  }
}
