package io.lvsoperator.operator.pools;

import io.lvsoperator.operator.admission.ClaimIndex;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The addresses the operator took from pools for VirtualServices that leave {@code spec.vip}
 * empty. An assigned address belongs to its VirtualService alone: it is given only when no
 * claim of another VirtualService is on it, and a VirtualService asking for it by address is
 * refused while it is assigned. A VirtualService keeps its address while its pool still admits
 * it (across restarts: seeded from status.vip); a new one gets the lowest free address of the
 * first pool by name, as MetalLB hands out addresses.
 */
public final class AddressAllocator {
  private final Map<String, Integer> byKey = new HashMap<>();
  private final Map<Integer, String> byAddress = new HashMap<>();
  private final ClaimIndex claims;

  public AddressAllocator(ClaimIndex claims) {
    this.claims = claims;
  }

  /** At start, from status: {@code key} had {@code address}; the first to say so keeps it. */
  public synchronized void seed(String key, int address) {
    if (!byAddress.containsKey(address) && !byKey.containsKey(key)) {
      take(key, address);
    }
  }

  /**
   * {@code key}'s address among {@code candidates}: the one it has if a candidate holds it, else
   * {@code preferred} (what its status shows) if free, else the lowest free one; null when every
   * candidate is full. Any address it had outside the candidates is given up.
   */
  public synchronized Integer assign(String key, List<PoolBook.Pool> candidates, Integer preferred) {
    Integer mine = byKey.get(key);
    if (mine != null && inAny(candidates, mine)) {
      return mine;
    }
    if (preferred != null && inAny(candidates, preferred) && free(preferred, key)) {
      release(key);
      take(key, preferred);
      return preferred;
    }
    for (PoolBook.Pool pool : candidates) {
      for (var range : pool.ranges()) {
        for (long i = 0; i < range.size(); i++) {
          int address = range.address(i);
          if (free(address, key)) {
            release(key);
            take(key, address);
            return address;
          }
        }
      }
    }
    return null;
  }

  /** Who was assigned {@code address}, or null. */
  public synchronized String holderOf(int address) {
    return byAddress.get(address);
  }

  public synchronized Integer assigned(String key) {
    return byKey.get(key);
  }

  public synchronized void release(String key) {
    Integer address = byKey.remove(key);
    if (address != null) {
      byAddress.remove(address);
    }
  }

  /** Every address in use: assigned, or claimed by a VirtualService that names it. */
  public synchronized Set<Integer> inUse() {
    Set<Integer> out = new HashSet<>(byAddress.keySet());
    out.addAll(claims.addresses());
    return out;
  }

  private boolean free(int address, String key) {
    String holder = byAddress.get(address);
    return (holder == null || holder.equals(key)) && !claims.usedByOther(address, key);
  }

  private static boolean inAny(List<PoolBook.Pool> pools, int address) {
    for (PoolBook.Pool p : pools) {
      if (p.contains(address)) {
        return true;
      }
    }
    return false;
  }

  private void take(String key, int address) {
    byKey.put(key, address);
    byAddress.put(address, key);
  }
}
