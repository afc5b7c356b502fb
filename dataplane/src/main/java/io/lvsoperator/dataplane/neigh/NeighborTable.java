package io.lvsoperator.dataplane.neigh;

import io.lvsoperator.dataplane.codec.MacAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The ARP cache: IPv4 -> MAC. Open addressing over primitive arrays with a fixed capacity, so
 * lookups on the fast path allocate nothing. An entry without a MAC is a resolution in progress.
 *
 * <p>Learning is as careful as Linux's: an entry's MAC does not change within {@link #LOCKTIME_NANOS}
 * of its last update (neigh/default/locktime); a MAC that an unsolicited frame (a request, a
 * gratuitous ARP) offers for a next hop confirmed by a reply to our own request in the last
 * {@link #REACHABLE_NANOS} is not taken but makes us ask again, so a forged announcement cannot
 * redirect an active next hop; and entries learnt from other hosts' frames may fill only a
 * quarter of the table, so a flood of spoofed senders cannot crowd out the next hops we resolve.
 */
public final class NeighborTable {
  private final int capacity;
  private final int mask;
  private final int[] ips;
  private final long[] macs;
  private final long[] updatedAt;
  private final long[] requestedAt;
  private final int[] requests;
  /** When a reply to our own request last confirmed the entry's MAC; 0: never. */
  private final long[] confirmedAt;
  /** Learnt from another host's frame rather than resolved by us. */
  private final boolean[] opportunistic;
  private int size;
  private int opportunisticSize;

  static final long LOCKTIME_NANOS = 1_000_000_000L;
  static final long REACHABLE_NANOS = 30_000_000_000L;
  /** How often a next hop of ours is asked again, so its confirmation never grows old. */
  public static final long RECONFIRM_NANOS = REACHABLE_NANOS / 2;

  /** What {@link #learn} did with what it was told. */
  public enum Learnt {
    /** A new entry, or a resolution completed, or a MAC changed. */
    LEARNED,
    /** The same MAC again: the entry's age restarts. */
    REFRESHED,
    /** A different MAC within the locktime: ignored. */
    LOCKED,
    /** A different MAC, unsolicited, for a confirmed next hop: ignored; ask the owner again. */
    SUSPECT,
    /** No room (for unsolicited entries: their quarter is used up). */
    FULL
  }

  /** One neighbour for the state view. */
  public record Entry(int ip, long mac, long updatedAtNanos, int requests) {}

  public NeighborTable(int capacity) {
    this.capacity = Integer.highestOneBit(Math.max(16, capacity - 1)) << 1;
    this.mask = this.capacity - 1;
    ips = new int[this.capacity];
    macs = new long[this.capacity];
    updatedAt = new long[this.capacity];
    requestedAt = new long[this.capacity];
    requests = new int[this.capacity];
    confirmedAt = new long[this.capacity];
    opportunistic = new boolean[this.capacity];
  }

  private static int hash(int ip) {
    int h = ip * 0x9E3779B9;
    return h ^ (h >>> 16);
  }

  private int find(int ip) {
    int i = hash(ip) & mask;
    while (ips[i] != 0) {
      if (ips[i] == ip) {
        return i;
      }
      i = (i + 1) & mask;
    }
    return -1 - i;
  }

  /** The MAC for {@code ip}, or {@link MacAddress#NONE} when unknown or still resolving. */
  public long lookup(int ip) {
    int i = find(ip);
    return i >= 0 ? macs[i] : MacAddress.NONE;
  }

  /**
   * Records what ARP told us. {@code solicited}: a reply to a request of ours, still awaited
   * ({@link #awaiting}); anything else is what another host chose to send. Table full means three
   * quarters, to keep probes short; unsolicited new entries get one quarter.
   */
  public Learnt learn(int ip, long mac, boolean solicited, long now) {
    if (ip == 0) {
      return Learnt.FULL;
    }
    int i = find(ip);
    if (i < 0) {
      if (size >= capacity * 3 / 4 || !solicited && opportunisticSize >= capacity / 4) {
        return Learnt.FULL;
      }
      i = -1 - i;
      ips[i] = ip;
      size++;
      opportunistic[i] = !solicited;
      if (!solicited) {
        opportunisticSize++;
      }
    } else if (macs[i] == mac) {
      updatedAt[i] = now;
      if (solicited) {
        confirmedAt[i] = now;
        requests[i] = 0;
      }
      return Learnt.REFRESHED;
    } else if (macs[i] != MacAddress.NONE) {
      if (now - updatedAt[i] < LOCKTIME_NANOS) {
        return Learnt.LOCKED;
      }
      // recently confirmed by its owner: another MAC, even in a reply to our request (a forger
      // can answer too), is doubted; only when the owner stays silent past REACHABLE does it go
      if (confirmedAt[i] != 0 && now - confirmedAt[i] < REACHABLE_NANOS) {
        return Learnt.SUSPECT;
      }
    }
    macs[i] = mac;
    updatedAt[i] = now;
    requests[i] = 0;
    if (solicited) {
      confirmedAt[i] = now;
    }
    return Learnt.LEARNED;
  }

  /**
   * Takes what the worker that runs ARP learnt, as it is (docs/architecture.md, "Workers"): that
   * worker applied the rules above, so a worker that runs no ARP of its own copies its verdict
   * (confirmed now, its retries reset). The room rules still hold; false when there is none.
   */
  public boolean copy(int ip, long mac, boolean opportunisticEntry, long now) {
    if (ip == 0 || mac == MacAddress.NONE) {
      return false;
    }
    int i = find(ip);
    if (i < 0) {
      if (size >= capacity * 3 / 4 || opportunisticEntry && opportunisticSize >= capacity / 4) {
        return false;
      }
      i = -1 - i;
      ips[i] = ip;
      size++;
      opportunistic[i] = opportunisticEntry;
      if (opportunisticEntry) {
        opportunisticSize++;
      }
    } else if (opportunistic[i] && !opportunisticEntry) {
      opportunistic[i] = false;
      opportunisticSize--;
    }
    macs[i] = mac;
    updatedAt[i] = now;
    requests[i] = 0;
    confirmedAt[i] = now;
    return true;
  }

  /** Whether {@code ip} was learnt from another host's frame rather than resolved by us. */
  public boolean opportunistic(int ip) {
    int i = find(ip);
    return i >= 0 && opportunistic[i];
  }

  /**
   * Makes {@code ip} one of our next hops (a real server or a gateway of the configuration): an
   * entry learnt from its own frames leaves the quarter of the unsolicited ones and is confirmed
   * at the next {@link #expire}. Called when a configuration is adopted, not per packet.
   */
  public void want(int ip) {
    int i = find(ip);
    if (i >= 0 && opportunistic[i]) {
      opportunistic[i] = false;
      opportunisticSize--;
    }
  }

  /** Whether a request of ours for {@code ip} went out within {@code windowNanos}: a reply is solicited. */
  public boolean awaiting(int ip, long now, long windowNanos) {
    int i = find(ip);
    return i >= 0 && requests[i] > 0 && now - requestedAt[i] < windowNanos;
  }

  /** Asks again for {@code ip} at once (its MAC is in doubt), whatever the retry timer says. */
  public void doubt(int ip) {
    int i = find(ip);
    if (i >= 0) {
      requests[i] = 0;
    }
  }

  /**
   * Notes that we are about to ask for {@code ip}; returns true when a request should go out now
   * (none sent yet, or the last one is older than {@code retryNanos}).
   */
  public boolean shouldRequest(int ip, long now, long retryNanos) {
    return shouldRequest(ip, now, retryNanos, true);
  }

  /**
   * As {@link #shouldRequest(int, long, long)}; {@code important} false for a next hop anyone can
   * name (a client on the segment, which a spoofed source claims to be): such resolutions share
   * the quarter of the table that unsolicited entries have.
   */
  public boolean shouldRequest(int ip, long now, long retryNanos, boolean important) {
    int i = find(ip);
    if (i < 0) {
      if (size >= capacity * 3 / 4 || !important && opportunisticSize >= capacity / 4) {
        return false;
      }
      i = -1 - i;
      ips[i] = ip;
      macs[i] = MacAddress.NONE;
      updatedAt[i] = now;
      confirmedAt[i] = 0;
      opportunistic[i] = !important;
      if (!important) {
        opportunisticSize++;
      }
      size++;
    } else if (requests[i] > 0 && now - requestedAt[i] < retryNanos) {
      return false;
    }
    requestedAt[i] = now;
    requests[i]++;
    return true;
  }

  /**
   * Drops unresolved entries whose requests are exhausted and learnt ones not refreshed for
   * {@code staleNanos}; hands {@code retry} each IP still resolving that is due another request,
   * and each next hop of ours whose MAC no reply has confirmed for {@code reconfirmNanos} (as
   * Linux probes a stale entry in use): answered, it stays protected against forged ARP.
   */
  public void expire(long now, long staleNanos, int maxRequests, long retryNanos, long reconfirmNanos,
      IntConsumer retry) {
    for (int i = 0; i < capacity; i++) {
      if (ips[i] == 0) {
        continue;
      }
      if (macs[i] == MacAddress.NONE) {
        if (now - requestedAt[i] >= retryNanos) {
          if (requests[i] >= maxRequests) {
            removeAt(i);
            i--; // a later entry may have shifted into this slot
          } else {
            requestedAt[i] = now;
            requests[i]++;
            retry.accept(ips[i]);
          }
        }
      } else if (now - updatedAt[i] > staleNanos) {
        removeAt(i);
        i--;
      } else if (!opportunistic[i] && now - confirmedAt[i] >= reconfirmNanos
          && (requests[i] == 0 || now - requestedAt[i] >= reconfirmNanos)) {
        requestedAt[i] = now;
        requests[i]++;
        retry.accept(ips[i]);
      }
    }
  }

  /** Callback for {@link #expire}, an int consumer without boxing. */
  @FunctionalInterface
  public interface IntConsumer {
    void accept(int ip);
  }

  private void removeAt(int i) {
    if (opportunistic[i]) {
      opportunisticSize--;
    }
    // backward-shift deletion keeps linear probing chains intact without tombstones
    int hole = i;
    int j = i;
    while (true) {
      j = (j + 1) & mask;
      if (ips[j] == 0) {
        break;
      }
      int home = hash(ips[j]) & mask;
      boolean stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
      if (!stays) {
        ips[hole] = ips[j];
        macs[hole] = macs[j];
        updatedAt[hole] = updatedAt[j];
        requestedAt[hole] = requestedAt[j];
        requests[hole] = requests[j];
        confirmedAt[hole] = confirmedAt[j];
        opportunistic[hole] = opportunistic[j];
        hole = j;
      }
    }
    ips[hole] = 0;
    macs[hole] = 0;
    requests[hole] = 0;
    confirmedAt[hole] = 0;
    opportunistic[hole] = false;
    size--;
  }

  public int size() {
    return size;
  }

  /** A copy for the state view (not for the fast path). */
  public List<Entry> entries() {
    List<Entry> out = new ArrayList<>();
    for (int i = 0; i < capacity; i++) {
      if (ips[i] != 0) {
        out.add(new Entry(ips[i], macs[i], updatedAt[i], requests[i]));
      }
    }
    return out;
  }
}
