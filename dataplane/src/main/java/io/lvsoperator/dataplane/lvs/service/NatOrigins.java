package io.lvsoperator.dataplane.lvs.service;

import io.lvsoperator.api.v1alpha1.ForwardingMode;
import java.util.List;

/**
 * Which NAT service a real server's reply belongs to when the director has no entry for its
 * connection (it took the VIP over from a director that failed): the services whose scheduler
 * every director runs alike (a hash of the client) and that send that client to that real server.
 * Only an answer that is unique is given; anything else stays a drop. Keyed by protocol, real
 * server and its port, open addressing on a packed long: no boxing on the path that asks.
 */
public final class NatOrigins {
  private final long[] keys;
  private final VirtualService[] values;
  private final int mask;

  public NatOrigins(List<VirtualService> services) {
    int n = 0;
    for (VirtualService s : services) {
      if (adoptable(s)) {
        n += s.destinations().size();
      }
    }
    int cap = Integer.highestOneBit(Math.max(4, n * 2 - 1)) << 1;
    keys = new long[cap];
    values = new VirtualService[cap];
    mask = cap - 1;
    for (VirtualService s : services) {
      if (!adoptable(s)) {
        continue;
      }
      for (Destination d : s.destinations()) {
        long k = key(s.protocol(), d.address(), d.port());
        int i = slot(k);
        while (values[i] != null) {
          i = (i + 1) & mask;
        }
        keys[i] = k;
        values[i] = s;
      }
    }
  }

  private static boolean adoptable(VirtualService s) {
    return s.mode() == ForwardingMode.NAT && s.scheduler().consistent();
  }

  private static long key(int protocol, int rip, int rport) {
    return ((long) protocol << 48) | ((rip & 0xffffffffL) << 16) | rport;
  }

  private int slot(long k) {
    long h = k * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 40) & mask;
  }

  /**
   * The one service that sends {@code client} to {@code rip:rport} (a real server of an
   * every-port service is keyed by port 0), or null when none does or several do.
   */
  public VirtualService find(int protocol, int rip, int rport, int client, int clientPort) {
    VirtualService found = null;
    for (int pass = 0; pass < 2; pass++) {
      long k = key(protocol, rip, pass == 0 ? rport : 0);
      for (int i = slot(k); values[i] != null; i = (i + 1) & mask) {
        if (keys[i] != k) {
          continue;
        }
        VirtualService s = values[i];
        Destination d = s.scheduler().schedule(client, clientPort);
        if (d != null && d.address() == rip && (d.port() == rport || d.port() == 0) && s != found) {
          if (found != null) {
            return null; // two services could have sent it: guessing would misdirect the reply
          }
          found = s;
        }
      }
    }
    return found;
  }
}
