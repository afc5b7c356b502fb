package io.lvsoperator.dataplane.peer;

/**
 * What a director claims, carried as the priority of its VRRP advertisements, and how it
 * changes with time after the director starts (docs/architecture.md, "Director liveness"):
 *
 * <ul>
 *   <li>{@link #WARMING_UP} for one dead interval: it listens to its peers before it decides
 *       anything, so a dataplane restarted from its disk cache never takes an address that moved
 *       while it was down;
 *   <li>{@link #READY} until its hold time (keepalived's {@code preempt_delay}) passed: it
 *       announces an address only when no director of the address's order is claiming, so a
 *       director that flaps cannot bounce traffic;
 *   <li>{@link #CLAIMING} from then on;
 *   <li>{@link #STOPPING} (VRRP's priority 0) when it stops or loses its link: its peers take
 *       over at once instead of after a dead interval.
 * </ul>
 *
 * <p>A director that was not running for a while (its link came back, its process was frozen)
 * {@linkplain #restart starts over}: what it knew of its peers is stale. Engine thread only.
 */
public final class Candidacy {
  public static final int STOPPING = 0;
  public static final int WARMING_UP = 50;
  public static final int READY = 90;
  public static final int CLAIMING = 100;

  private long startedNanos;
  private long deadIntervalNanos;
  private long holdNanos;
  /** How long this start listens: a dead interval, longer for the first start of a process. */
  private long listenNanos;
  private boolean stopping;

  /**
   * @param deadIntervalNanos how long a director may stay silent before its peers call it dead
   * @param holdNanos how long after its start a director waits before it takes addresses back
   *     (at least the dead interval)
   * @param listenNanos how long this first start listens (at least the dead interval): a process
   *     that just started hears its peers late (its first frames wait while the JVM warms up)
   */
  public Candidacy(long startedNanos, long deadIntervalNanos, long holdNanos, long listenNanos) {
    this.startedNanos = startedNanos;
    this.deadIntervalNanos = deadIntervalNanos;
    this.holdNanos = Math.max(holdNanos, deadIntervalNanos);
    this.listenNanos = Math.max(listenNanos, deadIntervalNanos);
  }

  /** True for the priorities of a director that may announce addresses. */
  public static boolean mayOwn(int priority) {
    return priority >= READY;
  }

  /** The priority to advertise at {@code now}. */
  public int priority(long now) {
    if (stopping) {
      return STOPPING;
    }
    long up = now - startedNanos;
    if (up < listenNanos) {
      return WARMING_UP;
    }
    return up < holdNanos ? READY : CLAIMING;
  }

  /** From now on this director says it is stopping (a graceful stop, its link lost). */
  public void stop() {
    stopping = true;
  }

  /** Starts over at {@code now}: warming up, then ready, then claiming. */
  public void restart(long now) {
    stopping = false;
    startedNanos = now;
    listenNanos = deadIntervalNanos;
  }

  /** New intervals from a new configuration; the start stays. */
  public void configure(long deadNanos, long holdNanos) {
    this.deadIntervalNanos = deadNanos;
    this.holdNanos = Math.max(holdNanos, deadNanos);
    this.listenNanos = Math.max(listenNanos, deadNanos);
  }
}
