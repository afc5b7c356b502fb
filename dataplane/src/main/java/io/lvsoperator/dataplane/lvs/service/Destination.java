package io.lvsoperator.dataplane.lvs.service;

import io.lvsoperator.api.net.Ipv4;

/**
 * One real server of one compiled service: where it is and its weight, immutable for the life of
 * a forwarding table. Its {@link DestinationStats} are shared with the same real server in the
 * tables before and after.
 */
public final class Destination {
  private final int address;
  private final int port;
  private final int weight;
  private final DestinationStats stats;

  public Destination(int address, int port, int weight, DestinationStats stats) {
    this.address = address;
    this.port = port;
    this.weight = weight;
    this.stats = stats;
  }

  /** The RIP. */
  public int address() {
    return address;
  }

  /** Port on the real server; 0 for a service on every port (the client's port is kept). */
  public int port() {
    return port;
  }

  public int weight() {
    return weight;
  }

  public DestinationStats stats() {
    return stats;
  }

  /** Can take a new connection: weight above zero and not failed by health checks. */
  public boolean available() {
    return weight > 0 && stats.healthy;
  }

  @Override
  public String toString() {
    return Ipv4.format(address) + ":" + port;
  }
}
