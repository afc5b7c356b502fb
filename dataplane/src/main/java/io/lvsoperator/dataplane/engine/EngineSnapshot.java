package io.lvsoperator.dataplane.engine;

import io.lvsoperator.dataplane.neigh.NeighborTable;
import java.util.List;

/** The engine's view for the admin endpoints, copied once per tick rather than read live. */
public record EngineSnapshot(
    long generation, int connections, int unconfirmed, List<NeighborTable.Entry> neighbours) {
  public static final EngineSnapshot EMPTY = new EngineSnapshot(-1, 0, 0, List.of());
}
