package io.lvsoperator.dataplane.neigh;

import io.lvsoperator.dataplane.codec.MacAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The ARP cache: IPv4 -> MAC, learnt like a switch learns port -> MAC. Open addressing over
 * primitive arrays with a fixed capacity, so lookups on the fast path allocate nothing. An entry
 * without a MAC is a resolution in progress.
 */
public final class NeighborTable {
  private final int capacity;
  private final int mask;
  private final int[] ips;
  private final long[] macs;
  private final long[] updatedAt;
  private final long[] requestedAt;
  private final int[] requests;
  private int size;

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
   * Records what ARP told us; returns false when the table is full (three quarters, to keep
   * probes short) and the entry is new.
   */
  public boolean learn(int ip, long mac, long now) {
    if (ip == 0) {
      return false;
    }
    int i = find(ip);
    if (i < 0) {
      if (size >= capacity * 3 / 4) {
        return false;
      }
      i = -1 - i;
      ips[i] = ip;
      size++;
    }
    macs[i] = mac;
    updatedAt[i] = now;
    requests[i] = 0;
    return true;
  }

  /**
   * Notes that we are about to ask for {@code ip}; returns true when a request should go out now
   * (none sent yet, or the last one is older than {@code retryNanos}).
   */
  public boolean shouldRequest(int ip, long now, long retryNanos) {
    int i = find(ip);
    if (i < 0) {
      if (size >= capacity * 3 / 4) {
        return false;
      }
      i = -1 - i;
      ips[i] = ip;
      macs[i] = MacAddress.NONE;
      updatedAt[i] = now;
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
   * {@code staleNanos}; hands {@code retry} each IP still resolving that is due another request.
   */
  public void expire(long now, long staleNanos, int maxRequests, long retryNanos, IntConsumer retry) {
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
      }
    }
  }

  /** Callback for {@link #expire}, an int consumer without boxing. */
  @FunctionalInterface
  public interface IntConsumer {
    void accept(int ip);
  }

  private void removeAt(int i) {
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
        hole = j;
      }
    }
    ips[hole] = 0;
    macs[hole] = 0;
    requests[hole] = 0;
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
