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
  private Map<Key, DestinationStats> destinations = new HashMap<>();
  private Map<Key, DestinationStats> nextDestinations;
  private final int workers;

  public StatsRegistry() {
    this(1);
  }

  /** For {@code workers} engines: each counts in a stripe of its own of every real server's counters. */
  public StatsRegistry(int workers) {
    this.workers = workers;
  }

  /** A real server of a service: protocol, VIP and port; address and port. Two longs, no text. */
  private record Key(long service, long server) {}

  /** Starts a compile: lookups fill the next generation of maps. */
  void begin() {
    // sized for the configuration in force: a compile of 160,000 real servers rehashes nothing
    nextDestinations = new HashMap<>(Math.max(16, destinations.size() * 4 / 3 + 1));
  }

  /** The counters of real server {@code rip:rport} of service {@code vip:port}, kept if it was there. */
  DestinationStats destination(int protocol, int vip, int port, int rip, int rport) {
    Key key = new Key((long) protocol << 48 | (long) port << 32 | (vip & 0xffffffffL),
        (long) rport << 32 | (rip & 0xffffffffL));
    return nextDestinations.computeIfAbsent(key, k -> {
      DestinationStats kept = destinations.get(k);
      return kept != null ? kept : new DestinationStats(workers);
    });
  }

  /** Ends a compile that was swapped in: forgets what it no longer names. */
  void commit() {
    destinations = nextDestinations;
  }
}
