package io.lvsoperator.dataplane.lvs.sched;

import io.lvsoperator.dataplane.lvs.service.Destination;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * One Maglev lookup table: which real server owns each slot. Each real server walks its own
 * permutation of the prime-sized table (offset, offset + skip, ... mod m, from its address and
 * port only) and the servers take turns claiming the first free slot they reach, a server of
 * weight w taking w slots a turn, so every director with the same real servers builds the same
 * table.
 *
 * <p>Filled on demand: a compile creates its tables empty (cheap) and a background thread fills
 * them after the configuration is swapped in; a packet for a service whose table is not filled
 * yet fills it itself (about 100 microseconds, once) or waits for the thread filling it. Filling
 * ten thousand tables is most of a director's first compile, and this way a starting director
 * forwards at once (docs/architecture.md, "Maglev tables"). Slots are one byte up to 127 real
 * servers, two beyond. Never written once filled.
 */
public final class MaglevTable {
  private static final int OFFSET_SEED = 0x4d41;
  private static final int SKIP_SEED = 0x474c;
  private static final int EMPTY = 0;
  private static final int FILLING = 1;
  private static final int FILLED = 2;
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(MaglevTable.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final int size;
  /** Slot to server index, one of the two: bytes while the index fits. */
  private final byte[] small;
  private final short[] large;
  /** Per server, in server order: where its walk starts, its stride, the slots it takes a turn. */
  private final int[] offset;
  private final int[] skip;
  private final int[] turns;
  /** Where each server's walk is, while filling (only the filling thread touches it). */
  private final int[] position;
  @SuppressWarnings("unused") // through STATE
  private volatile int state;

  /**
   * @param servers the real servers in table order (positive weights)
   * @param size a prime, well above the number of servers
   */
  MaglevTable(Destination[] servers, int size) {
    int n = servers.length;
    if (n == 0 || n > Short.MAX_VALUE) {
      throw new IllegalArgumentException("a Maglev table takes 1 to " + Short.MAX_VALUE + " real servers, not " + n);
    }
    this.size = size;
    small = n <= Byte.MAX_VALUE ? new byte[size] : null;
    large = small == null ? new short[size] : null;
    offset = new int[n];
    skip = new int[n];
    turns = new int[n];
    position = new int[n];
    int g = 0;
    for (Destination d : servers) {
      g = WeightedRoundRobinScheduler.gcd(g, d.weight());
    }
    for (int i = 0; i < n; i++) {
      int key = servers[i].address() * 31 + servers[i].port();
      offset[i] = Hashing.hash(key, OFFSET_SEED) % size;
      skip[i] = Hashing.hash(key, SKIP_SEED) % (size - 1) + 1;
      turns[i] = servers[i].weight() / g;
    }
  }

  public int size() {
    return size;
  }

  /** The index of the server owning {@code slot}; fills the table first when it is not yet. */
  public int serverAt(int slot) {
    if (state != FILLED) {
      fill();
    }
    return small != null ? small[slot] : large[slot];
  }

  public boolean filled() {
    return state == FILLED;
  }

  /** Fills the table unless done; waits for another thread that is filling it. */
  public void fill() {
    if (STATE.compareAndSet(this, EMPTY, FILLING)) {
      try {
        populate();
      } catch (RuntimeException | Error e) {
        state = EMPTY; // nobody waits forever on a fill that failed
        throw e;
      }
      state = FILLED;
      return;
    }
    while (state != FILLED) {
      Thread.onSpinWait();
    }
  }

  /**
   * The walk is kept as a position advanced by additions (no division per probe); filling takes
   * about m ln m probes. Free slots are marked -1 while filling.
   */
  private void populate() {
    int n = offset.length;
    System.arraycopy(offset, 0, position, 0, n);
    if (small != null) {
      Arrays.fill(small, (byte) -1);
    } else {
      Arrays.fill(large, (short) -1);
    }
    int filled = 0;
    while (true) {
      for (int i = 0; i < n; i++) {
        int p = position[i];
        int step = skip[i];
        for (int turn = turns[i]; turn > 0; turn--) {
          while (taken(p)) {
            p += step;
            if (p >= size) {
              p -= size;
            }
          }
          claim(p, i);
          p += step;
          if (p >= size) {
            p -= size;
          }
          if (++filled == size) {
            return;
          }
        }
        position[i] = p;
      }
    }
  }

  private boolean taken(int p) {
    return small != null ? small[p] >= 0 : large[p] >= 0;
  }

  private void claim(int p, int server) {
    if (small != null) {
      small[p] = (byte) server;
    } else {
      large[p] = (short) server;
    }
  }
}
