package io.lvsoperator.dataplane.engine;

import io.lvsoperator.dataplane.control.IntSet;
import io.lvsoperator.dataplane.neigh.NeighborTable;
import java.util.List;

/**
 * The engine's view for the admin endpoints, copied once per tick rather than read live.
 *
 * @param announced the addresses it announces (never changed once published)
 * @param announcedSet the same, to probe
 * @param priority what it advertises to its peers (docs/architecture.md, "Director liveness")
 */
public record EngineSnapshot(
    long generation, int connections, int unconfirmed, List<NeighborTable.Entry> neighbours, int[] announced,
    IntSet announcedSet, int priority) {
  public static final EngineSnapshot EMPTY =
      new EngineSnapshot(-1, 0, 0, List.of(), new int[0], new IntSet(List.of()), -1);
}
