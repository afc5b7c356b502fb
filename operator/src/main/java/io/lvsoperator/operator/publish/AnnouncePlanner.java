package io.lvsoperator.operator.publish;

import io.lvsoperator.api.v1alpha1.SharedConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiPredicate;

/**
 * Decides, per address, the directors that may announce it, owner first. Addresses that must be
 * announced together (a NAT VIP and its gateway, and every VIP using that gateway) share one
 * order. The owner stays while it is live; a new or orphaned group goes to the live director
 * owning the fewest groups (ties by name), so every run agrees and load spreads. Standbys follow
 * in the order of rendezvous hashing of group and director. An order whose directors are all
 * live and that is as long as it should be is kept as it is, so a director leaving rewrites only
 * the orders it was in, and a joining one takes new groups and fills short orders without moving
 * anything. With no live director at all, the orders are kept as they are: a control-plane
 * outage must not withdraw every VIP. Pure.
 */
public final class AnnouncePlanner {
  private AnnouncePlanner() {}

  /**
   * @param current address -> its order as last published
   * @param standbys how many directors follow the owner in each order
   */
  public static Map<String, List<String>> plan(Collection<ServiceCatalog.Entry> services, Set<String> live,
      Map<String, List<String>> current, int standbys) {
    return plan(services, live, current, standbys, ANYWHERE);
  }

  /** Every director may announce every address (no VipPool restricts its nodes). */
  public static final BiPredicate<String, String> ANYWHERE = (address, node) -> true;

  /**
   * As above, each group placed only on directors that may announce every address of it (a
   * VipPool's nodeSelector); a group no live director may announce gets an empty order.
   */
  public static Map<String, List<String>> plan(Collection<ServiceCatalog.Entry> services, Set<String> live,
      Map<String, List<String>> current, int standbys, BiPredicate<String, String> mayAnnounce) {
    AnnounceGroups groups = new AnnounceGroups();
    for (ServiceCatalog.Entry e : services) {
      groups.add(e.vip());
      if (e.natGateway() != null) {
        // NAT replies reach the director through the gateway: it must be where the VIP is
        groups.join(e.vip(), e.natGateway());
      }
    }
    List<Set<String>> all = groups.groups();
    Map<String, List<String>> out = new TreeMap<>();
    if (live.isEmpty()) {
      for (Set<String> group : all) {
        group.forEach(a -> out.put(a, current.getOrDefault(a, List.of())));
      }
      return out;
    }
    Map<String, Integer> load = new HashMap<>();
    live.forEach(n -> load.put(n, 0));
    Map<Set<String>, String> owners = new HashMap<>();
    Map<Set<String>, Set<String>> eligible = new HashMap<>();
    List<Set<String>> unplaced = new ArrayList<>();
    for (Set<String> group : all) {
      Set<String> may = live;
      if (mayAnnounce != ANYWHERE) {
        may = new TreeSet<>();
        for (String n : live) {
          if (group.stream().allMatch(a -> mayAnnounce.test(a, n))) {
            may.add(n);
          }
        }
      }
      eligible.put(group, may);
      if (may.isEmpty()) {
        group.forEach(a -> out.put(a, List.of()));
        continue;
      }
      int length = Math.min(may.size(), standbys + 1);
      List<String> kept = keepable(group, current, may, length);
      if (kept != null) {
        group.forEach(a -> out.put(a, kept));
        load.merge(kept.get(0), 1, Integer::sum);
        continue;
      }
      Set<String> allowed = may;
      String owner = group.stream().map(a -> current.getOrDefault(a, List.of()))
          .filter(o -> !o.isEmpty() && allowed.contains(o.get(0))).map(o -> o.get(0)).findFirst().orElse(null);
      if (owner == null) {
        unplaced.add(group);
      } else {
        owners.put(group, owner);
        load.merge(owner, 1, Integer::sum);
      }
    }
    for (Set<String> group : unplaced) {
      String least = eligible.get(group).stream()
          .min(Comparator.comparing((String n) -> load.get(n)).thenComparing(n -> n)).orElseThrow();
      owners.put(group, least);
      load.merge(least, 1, Integer::sum);
    }
    for (Set<String> group : all) {
      String owner = owners.get(group);
      if (owner == null) {
        continue; // kept as it was
      }
      List<String> order = new ArrayList<>(standbys + 1);
      order.add(owner);
      order.addAll(standbys(group.iterator().next(), eligible.get(group), owner, standbys));
      List<String> fixed = List.copyOf(order);
      group.forEach(a -> out.put(a, fixed));
    }
    return out;
  }

  /**
   * The {@code count} directors other than {@code owner} with the highest rendezvous weight for
   * {@code name}, highest first, ties by name. Each weight is computed once: a first plan of
   * 10,000 groups on 100 directors sorted with the hash inside the comparator spent seconds on it.
   */
  static List<String> standbys(String name, Set<String> eligible, String owner, int count) {
    String[] nodes = new String[eligible.size()];
    long[] weights = new long[nodes.length];
    int n = 0;
    for (String node : eligible) {
      if (!node.equals(owner)) {
        nodes[n] = node;
        weights[n] = SharedConfig.rendezvous(name, node);
        n++;
      }
    }
    List<String> out = new ArrayList<>(Math.min(count, n));
    // selection, not a sort: an order holds one or two standbys out of up to hundreds of directors
    for (int picked = 0; picked < count && picked < n; picked++) {
      int best = picked;
      for (int i = picked + 1; i < n; i++) {
        if (weights[i] > weights[best] || weights[i] == weights[best] && nodes[i].compareTo(nodes[best]) < 0) {
          best = i;
        }
      }
      String node = nodes[best];
      long weight = weights[best];
      nodes[best] = nodes[picked];
      weights[best] = weights[picked];
      nodes[picked] = node;
      weights[picked] = weight;
      out.add(node);
    }
    return out;
  }

  /** The group's current order when every address has it, all its directors are live and it is full. */
  private static List<String> keepable(Set<String> group, Map<String, List<String>> current, Set<String> live,
      int length) {
    List<String> first = current.get(group.iterator().next());
    if (first == null || first.size() != length || !live.containsAll(first)) {
      return null;
    }
    for (String a : group) {
      if (!first.equals(current.get(a))) {
        return null;
      }
    }
    return first;
  }
}
