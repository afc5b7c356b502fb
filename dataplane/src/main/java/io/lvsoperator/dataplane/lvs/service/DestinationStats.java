package io.lvsoperator.dataplane.lvs.service;

/**
 * The mutable side of a real server: connection counts and traffic counters. It outlives
 * configuration swaps, so connections made under an old table keep counting against the same
 * real server (IPVS keeps its dest alive the same way). Written by the engine thread only; other
 * threads read it for metrics and state, where a slightly stale value is fine.
 */
public final class DestinationStats {
  /** TCP connections in ESTABLISHED. */
  public int activeConnections;
  /** TCP connections in any other state and UDP flows, as ipvsadm counts InActConn. */
  public int inactiveConnections;
  public long totalConnections;
  public long packets;
  public long bytes;
  /** Cleared by health checks; an unhealthy real server takes no new connections. */
  public volatile boolean healthy = true;
}
