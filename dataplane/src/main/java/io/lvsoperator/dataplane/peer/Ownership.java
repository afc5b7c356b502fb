package io.lvsoperator.dataplane.peer;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who announces an address, decided alike by every director from the address's order (owner
 * first, then its standbys, from the shared configuration) and what it hears of the others
 * (docs/architecture.md, "Director liveness"): among the directors of the order that are alive
 * and {@linkplain Candidacy#mayOwn may own}, the one with the highest priority, the earlier in
 * the order on a tie. So in steady state the first live director of the order announces; one
 * that comes back (still {@link Candidacy#READY}) takes its addresses back only once its hold
 * time made it {@link Candidacy#CLAIMING}; one still warming up never announces.
 */
public final class Ownership {
  private Ownership() {}

  /** What this director knows of each director: its priority now, or absent when not alive. */
  @FunctionalInterface
  public interface View {
    /** The priority {@code director} advertises while alive; -1 when it is not alive. */
    int priority(String director);
  }

  /** The director announcing the address of {@code order}, or null when none may. */
  public static String owner(List<String> order, View view) {
    String best = null;
    int bestPriority = -1;
    for (String director : order) {
      int p = view.priority(director);
      if (Candidacy.mayOwn(p) && p > bestPriority) {
        best = director;
        bestPriority = p;
      }
    }
    return best;
  }

  /** The addresses {@code self} announces, of {@code orders} (address to its directors). */
  public static Set<String> announcedBy(String self, Map<String, List<String>> orders, View view) {
    Set<String> out = new TreeSet<>();
    orders.forEach((address, order) -> {
      if (self.equals(owner(order, view))) {
        out.add(address);
      }
    });
    return out;
  }
}
