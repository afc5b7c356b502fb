package io.lvsoperator.dataplane.engine;

/**
 * A bounded queue of messages of two longs between engine workers (docs/architecture.md,
 * "Workers"): any thread posts, one thread drains. A lock, not a lock-free ring: the messages are
 * rare (a neighbour learnt, a resolution asked for), and an uncontended monitor allocates nothing.
 * A full mailbox refuses the message and counts it; every sender asks again on its own timer.
 */
public final class PairMailbox {
  private final long[] first;
  private final long[] second;
  private final int mask;
  private int head;
  private int tail;
  /** Messages waiting, read without the lock so an empty mailbox costs one volatile read. */
  private volatile int waiting;
  private volatile long refused;

  /** Receives each message drained. */
  @FunctionalInterface
  public interface Reader {
    void read(long first, long second);
  }

  public PairMailbox(int capacity) {
    int size = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1;
    first = new long[size];
    second = new long[size];
    mask = size - 1;
  }

  /** False (counted) when the mailbox is full. */
  public synchronized boolean post(long a, long b) {
    if (tail - head == first.length) {
      refused = refused + 1;
      return false;
    }
    first[tail & mask] = a;
    second[tail & mask] = b;
    tail++;
    waiting = tail - head;
    return true;
  }

  /** Hands every waiting message to {@code reader}, oldest first; how many. The draining thread only. */
  public int drain(Reader reader) {
    if (waiting == 0) {
      return 0;
    }
    int n = 0;
    while (true) {
      long a;
      long b;
      synchronized (this) {
        if (head == tail) {
          waiting = 0;
          return n;
        }
        a = first[head & mask];
        b = second[head & mask];
        head++;
        waiting = tail - head;
      }
      // outside the lock: the reader may post to another mailbox, or back to this one's sender
      reader.read(a, b);
      n++;
    }
  }

  /** Messages refused because the mailbox was full. */
  public long refused() {
    return refused;
  }
}
