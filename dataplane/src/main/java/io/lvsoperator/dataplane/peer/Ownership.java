package io.lvsoperator.dataplane.peer;

import java.util.function.IntUnaryOperator;

/**
 * Who announces an address, decided alike by every director from the address's order (owner
 * first, then its standbys, from the shared configuration) and what it hears of the others
 * (docs/architecture.md, "Director liveness"): among the directors of the order that are alive
 * and {@linkplain Candidacy#mayOwn may own}, the one with the highest priority, the earlier in
 * the order on a tie. So in steady state the first live director of the order announces; one
 * that comes back (still {@link Candidacy#READY}) takes its addresses back only once its hold
 * time made it {@link Candidacy#CLAIMING}; one still warming up never announces. Directors are
 * the slots of an {@link AnnouncePlan}; pure.
 */
public final class Ownership {
  public static final int NONE = -1;

  private Ownership() {}

  /**
   * The slot of the director announcing the address of {@code order}, or {@link #NONE}.
   *
   * @param priority a slot's priority now, -1 when it is not alive
   */
  public static int owner(int[] order, IntUnaryOperator priority) {
    int best = NONE;
    int bestPriority = -1;
    for (int slot : order) {
      int p = priority.applyAsInt(slot);
      if (Candidacy.mayOwn(p) && p > bestPriority) {
        best = slot;
        bestPriority = p;
      }
    }
    return best;
  }
}
