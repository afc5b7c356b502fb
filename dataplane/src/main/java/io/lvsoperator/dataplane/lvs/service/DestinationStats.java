package io.lvsoperator.dataplane.lvs.service;

/**
 * The mutable side of a real server: connection counts and traffic counters. It outlives
 * configuration swaps, so connections made under an old table keep counting against the same
 * real server (IPVS keeps its dest alive the same way). Written by the engine thread only; other
 * threads read it for metrics and state, where a slightly stale value is fine.
 */
public final class DestinationStats {
  /** Connections in ESTABLISHED (TCP) or any UDP flow. */
  public int activeConnections;
  /** Connections in any other TCP state, and persistence templates. */
  public int inactiveConnections;
  public long totalConnections;
  public long packets;
  public long bytes;
  /** Cleared by health checks; an unhealthy real server takes no new connections. */
  public volatile boolean healthy = true;
}
