package io.lvsoperator.dataplane.control;

import java.util.Collection;

/** An immutable set of IPv4 addresses, probed without boxing (VIPs, owned addresses). */
public final class IntSet {
  private final int[] slots;
  private final boolean hasZero;
  private final int mask;

  public IntSet(Collection<Integer> values) {
    int cap = Integer.highestOneBit(Math.max(4, values.size() * 2 - 1)) << 1;
    slots = new int[cap];
    mask = cap - 1;
    boolean zero = false;
    for (int v : values) {
      if (v == 0) {
        zero = true;
        continue;
      }
      int i = slot(v);
      while (slots[i] != 0 && slots[i] != v) {
        i = (i + 1) & mask;
      }
      slots[i] = v;
    }
    hasZero = zero;
  }

  private int slot(int v) {
    int h = v * 0x9E3779B9;
    return (h ^ (h >>> 16)) & mask;
  }

  public boolean contains(int v) {
    if (v == 0) {
      return hasZero;
    }
    int i = slot(v);
    while (slots[i] != 0) {
      if (slots[i] == v) {
        return true;
      }
      i = (i + 1) & mask;
    }
    return false;
  }

  /** The members, in no particular order (a new array). */
  public int[] values() {
    int n = hasZero ? 1 : 0;
    for (int v : slots) {
      if (v != 0) {
        n++;
      }
    }
    int[] out = new int[n];
    int i = 0;
    if (hasZero) {
      out[i++] = 0;
    }
    for (int v : slots) {
      if (v != 0) {
        out[i++] = v;
      }
    }
    return out;
  }
}
