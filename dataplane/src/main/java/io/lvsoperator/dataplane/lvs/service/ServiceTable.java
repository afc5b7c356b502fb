package io.lvsoperator.dataplane.lvs.service;

import java.util.List;

/**
 * Finds the virtual service of VIP:port/protocol, falling back to the VIP's every-port service
 * (port 0). Open addressing on a packed long key: no boxing on the fast path.
 */
public final class ServiceTable {
  private final long[] keys;
  private final VirtualService[] values;
  private final int mask;

  public ServiceTable(List<VirtualService> services) {
    int cap = Integer.highestOneBit(Math.max(4, services.size() * 2 - 1)) << 1;
    keys = new long[cap];
    values = new VirtualService[cap];
    mask = cap - 1;
    for (VirtualService s : services) {
      long k = key(s.protocol(), s.vip(), s.port());
      int i = slot(k);
      while (values[i] != null) {
        i = (i + 1) & mask;
      }
      keys[i] = k;
      values[i] = s;
    }
  }

  private static long key(int protocol, int vip, int port) {
    return ((long) protocol << 48) | ((vip & 0xffffffffL) << 16) | port;
  }

  private int slot(long k) {
    long h = k * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 40) & mask;
  }

  private VirtualService get(long k) {
    int i = slot(k);
    while (values[i] != null) {
      if (keys[i] == k) {
        return values[i];
      }
      i = (i + 1) & mask;
    }
    return null;
  }

  /** The service for a packet to VIP:port, or null. */
  public VirtualService lookup(int protocol, int vip, int port) {
    VirtualService s = get(key(protocol, vip, port));
    return s != null ? s : get(key(protocol, vip, 0));
  }
}
