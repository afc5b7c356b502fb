package io.lvsoperator.operator.publish;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Addresses that one director must announce together: a VIP alone, or NAT VIPs joined with the
 * gateway their real servers reply through (and so with every other VIP using that gateway).
 * A union-find over addresses; groups come out in a stable order (by their smallest address).
 */
final class AnnounceGroups {
  private final Map<String, String> parent = new HashMap<>();

  void add(String address) {
    parent.putIfAbsent(address, address);
  }

  void join(String a, String b) {
    add(a);
    add(b);
    String ra = root(a);
    String rb = root(b);
    if (!ra.equals(rb)) {
      parent.put(ra, rb);
    }
  }

  private String root(String a) {
    String r = a;
    while (!parent.get(r).equals(r)) {
      r = parent.get(r);
    }
    return r;
  }

  List<Set<String>> groups() {
    Map<String, Set<String>> byRoot = new TreeMap<>();
    for (String a : parent.keySet()) {
      byRoot.computeIfAbsent(root(a), r -> new TreeSet<>()).add(a);
    }
    List<Set<String>> out = new ArrayList<>(byRoot.values());
    out.sort(Comparator.comparing(g -> g.iterator().next()));
    return out;
  }
}
