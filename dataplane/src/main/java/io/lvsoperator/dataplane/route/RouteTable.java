package io.lvsoperator.dataplane.route;

import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.api.net.Ipv4Prefix;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Longest-prefix-match routes: the connected prefixes of the director's addresses plus static
 * routes. Immutable; kept as parallel arrays sorted longest prefix first, so a lookup is a short
 * scan with no allocation (a director has a handful of routes).
 */
public final class RouteTable {
  /** Returned by {@link #nextHop} when no route matches. */
  public static final int NO_ROUTE = 0;

  private final int[] network;
  private final int[] mask;
  private final int[] gateway; // 0: connected, the destination itself is the next hop
  private final int[] source;
  private final List<Route> routes;

  /** A route as configured or derived: gateway 0 for connected prefixes. */
  public record Route(Ipv4Prefix prefix, int gateway, int source) {
    @Override
    public String toString() {
      return new Ipv4Prefix(prefix.network(), prefix.length())
          + (gateway == 0 ? " dev (connected)" : " via " + Ipv4.format(gateway))
          + " src " + Ipv4.format(source);
    }
  }

  public RouteTable(List<Ipv4Prefix> connected, List<Route> staticRoutes) {
    List<Route> all = new ArrayList<>();
    for (Ipv4Prefix p : connected) {
      all.add(new Route(p, 0, p.address()));
    }
    for (Route r : staticRoutes) {
      int src = connected.stream().filter(p -> p.contains(r.gateway())).mapToInt(Ipv4Prefix::address).findFirst()
          .orElse(connected.isEmpty() ? 0 : connected.get(0).address());
      all.add(new Route(r.prefix(), r.gateway(), src));
    }
    all.sort(Comparator.comparingInt((Route r) -> r.prefix().length()).reversed());
    routes = List.copyOf(all);
    network = new int[all.size()];
    mask = new int[all.size()];
    gateway = new int[all.size()];
    source = new int[all.size()];
    for (int i = 0; i < all.size(); i++) {
      Route r = all.get(i);
      network[i] = r.prefix().network();
      mask[i] = r.prefix().mask();
      gateway[i] = r.gateway();
      source[i] = r.source();
    }
  }

  /** The neighbour to hand a packet for {@code dst} to, or {@link #NO_ROUTE}. */
  public int nextHop(int dst) {
    for (int i = 0; i < network.length; i++) {
      if ((dst & mask[i]) == network[i]) {
        return gateway[i] == 0 ? dst : gateway[i];
      }
    }
    return NO_ROUTE;
  }

  /** The director address to send from toward {@code dst} (the DIP of the matching route). */
  public int sourceFor(int dst) {
    for (int i = 0; i < network.length; i++) {
      if ((dst & mask[i]) == network[i]) {
        return source[i];
      }
    }
    return source.length == 0 ? 0 : source[0];
  }

  /** True when {@code ip} lies in a connected prefix: a neighbour we may learn. */
  public boolean isConnected(int ip) {
    for (int i = 0; i < network.length; i++) {
      if (gateway[i] == 0 && (ip & mask[i]) == network[i]) {
        return true;
      }
    }
    return false;
  }

  public List<Route> routes() {
    return routes;
  }
}
