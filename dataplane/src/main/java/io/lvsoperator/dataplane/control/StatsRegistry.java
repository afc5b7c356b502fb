package io.lvsoperator.dataplane.control;

import io.lvsoperator.dataplane.lvs.service.DestinationStats;
import java.util.HashMap;
import java.util.Map;

/**
 * Keeps the counters of real servers across compiles: a real server that stays in
 * the configuration keeps its connection counts, one that goes is forgotten here (its open
 * connections still hold its stats until they expire).
 */
public final class StatsRegistry {
  private Map<String, DestinationStats> destinations = new HashMap<>();
  private Map<String, DestinationStats> nextDestinations;

  /** Starts a compile: lookups fill the next generation of maps. */
  void begin() {
    // sized for the configuration in force: a compile of 160,000 real servers rehashes nothing
    nextDestinations = new HashMap<>(Math.max(16, destinations.size() * 4 / 3 + 1));
  }

  DestinationStats destination(String key) {
    return nextDestinations.computeIfAbsent(key, k -> {
      DestinationStats kept = destinations.get(k);
      return kept != null ? kept : new DestinationStats();
    });
  }

  /** Ends a compile that was swapped in: forgets what it no longer names. */
  void commit() {
    destinations = nextDestinations;
  }
}
