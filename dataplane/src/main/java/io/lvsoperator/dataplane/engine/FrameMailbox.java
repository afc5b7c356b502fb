package io.lvsoperator.dataplane.engine;

import io.lvsoperator.dataplane.io.FrameHandler;

/**
 * A bounded queue of frames copied from one engine worker to another (docs/architecture.md,
 * "Workers"): worker 0 hands the others the sync messages it receives. The slots are allocated
 * once; a frame that finds them all taken, or is longer than a slot, is refused and counted (the
 * sender of a sync message sends each entry again within half its timeout).
 */
public final class FrameMailbox {
  private final byte[][] slots;
  private final int[] lengths;
  private final int mask;
  private int head;
  private int tail;
  private volatile int waiting;
  private volatile long refused;

  public FrameMailbox(int capacity, int slotBytes) {
    int size = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1;
    slots = new byte[size][slotBytes];
    lengths = new int[size];
    mask = size - 1;
  }

  /** Copies {@code len} bytes of {@code f}; false (counted) when full or too long. */
  public synchronized boolean post(byte[] f, int len) {
    if (tail - head == slots.length || len > slots[0].length) {
      refused = refused + 1;
      return false;
    }
    System.arraycopy(f, 0, slots[tail & mask], 0, len);
    lengths[tail & mask] = len;
    tail++;
    waiting = tail - head;
    return true;
  }

  /**
   * Hands every waiting frame to {@code handler} (which may change it: it is the mailbox's slot,
   * not written again until the handler returns); how many. The draining thread only.
   */
  public int drain(FrameHandler handler) {
    if (waiting == 0) {
      return 0;
    }
    int n = 0;
    while (true) {
      int slot;
      synchronized (this) {
        if (head == tail) {
          waiting = 0;
          return n;
        }
        slot = head & mask;
      }
      handler.onFrame(slots[slot], lengths[slot]);
      synchronized (this) {
        head++; // only now may a sender write the slot again
        waiting = tail - head;
      }
      n++;
    }
  }

  public long refused() {
    return refused;
  }
}
