package io.lvsoperator.operator.publish;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The VRRP router ID of each director (docs/architecture.md, "Director liveness"), 1 to 255:
 * a director keeps the one it has while it is known, a new one takes the lowest free. An ID is
 * given again only once its director is gone, and then to a director with another address, so
 * its peers start it unheard. More than 255 directors: the rest get none (and are logged by the
 * caller); they forward, and take no address over by themselves.
 */
public final class RouterIds {
  public static final int MAX = 255;

  private RouterIds() {}

  /** The IDs for {@code directors}, keeping those of {@code before} for directors still there. */
  public static Map<String, Integer> assign(Map<String, Integer> before, Set<String> directors) {
    Map<String, Integer> out = new TreeMap<>();
    Set<Integer> taken = new TreeSet<>();
    for (String d : new TreeSet<>(directors)) {
      Integer id = before.get(d);
      if (id != null && id >= 1 && id <= MAX && taken.add(id)) {
        out.put(d, id);
      }
    }
    int next = 1;
    for (String d : new TreeSet<>(directors)) {
      if (out.containsKey(d)) {
        continue;
      }
      while (next <= MAX && taken.contains(next)) {
        next++;
      }
      if (next > MAX) {
        break;
      }
      out.put(d, next);
      taken.add(next);
    }
    return out;
  }
}
