package io.lvsoperator.dataplane.neigh;

/**
 * Frames waiting for their next hop's MAC, in a fixed pool of preallocated slots: bounded in
 * count and memory, and copying into a slot allocates nothing. Frames for next hops anyone can
 * name (a client on the segment: a spoofed source is one) may hold half the slots at most, so
 * a flood of them cannot leave frames for real servers and gateways without room.
 */
public final class PendingFrames {
  private final byte[][] frames;
  private final int[] nextHop;
  private final int[] length;
  private final long[] queuedAt;
  private final long[] sequence; // arrival order, which timestamps cannot tell apart
  private final boolean[] reserved;
  private int unreservedUsed;
  private final int perNeighbourLimit;
  private int used;
  private long arrivals;

  /** Where released frames go, with their destination MAC already written. */
  @FunctionalInterface
  public interface Sender {
    void send(byte[] frame, int length);
  }

  public PendingFrames(int slots, int slotBytes, int perNeighbourLimit) {
    frames = new byte[slots][slotBytes];
    nextHop = new int[slots];
    length = new int[slots];
    queuedAt = new long[slots];
    sequence = new long[slots];
    reserved = new boolean[slots];
    this.perNeighbourLimit = perNeighbourLimit;
  }

  /**
   * Keeps a copy of the frame until {@code hop} resolves; false when no room.
   *
   * @param important a real server or a gateway, which may use every slot
   */
  public boolean add(int hop, byte[] frame, int len, boolean important, long now) {
    if (len > frames[0].length || !important && unreservedUsed >= frames.length / 2) {
      return false;
    }
    int free = -1;
    int forHop = 0;
    for (int i = 0; i < frames.length; i++) {
      if (length[i] == 0) {
        if (free < 0) {
          free = i;
        }
      } else if (nextHop[i] == hop) {
        forHop++;
      }
    }
    if (free < 0 || forHop >= perNeighbourLimit) {
      return false;
    }
    System.arraycopy(frame, 0, frames[free], 0, len);
    nextHop[free] = hop;
    length[free] = len;
    queuedAt[free] = now;
    sequence[free] = arrivals++;
    reserved[free] = important;
    if (!important) {
      unreservedUsed++;
    }
    used++;
    return true;
  }

  /** Sends, in arrival order, every frame waiting for {@code hop}; returns how many. */
  public int release(int hop, long mac, Sender sender) {
    if (used == 0) {
      return 0;
    }
    int sent = 0;
    while (true) {
      int oldest = -1;
      for (int i = 0; i < frames.length; i++) {
        if (length[i] != 0 && nextHop[i] == hop && (oldest < 0 || sequence[i] < sequence[oldest])) {
          oldest = i;
        }
      }
      if (oldest < 0) {
        return sent;
      }
      byte[] f = frames[oldest];
      f[0] = (byte) (mac >>> 40);
      f[1] = (byte) (mac >>> 32);
      f[2] = (byte) (mac >>> 24);
      f[3] = (byte) (mac >>> 16);
      f[4] = (byte) (mac >>> 8);
      f[5] = (byte) mac;
      int len = length[oldest];
      free(oldest);
      sender.send(f, len);
      sent++;
    }
  }

  /** Frees frames older than {@code maxAgeNanos}; returns how many were dropped. */
  public int expire(long now, long maxAgeNanos) {
    int dropped = 0;
    for (int i = 0; i < frames.length && used > 0; i++) {
      if (length[i] != 0 && now - queuedAt[i] > maxAgeNanos) {
        free(i);
        dropped++;
      }
    }
    return dropped;
  }

  private void free(int i) {
    length[i] = 0;
    used--;
    if (!reserved[i]) {
      unreservedUsed--;
    }
  }

  public int size() {
    return used;
  }
}
