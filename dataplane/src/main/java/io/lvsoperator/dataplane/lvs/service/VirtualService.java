package io.lvsoperator.dataplane.lvs.service;

import io.lvsoperator.api.v1alpha1.ForwardingMode;
import io.lvsoperator.dataplane.lvs.sched.Scheduler;
import java.util.List;

/** One compiled virtual service: what the engine needs per packet, immutable. */
public final class VirtualService {
  private final String name;
  private final int vip;
  private final int port;
  private final int protocol;
  private final ForwardingMode mode;
  private final Scheduler scheduler;
  private final long persistenceNanos;
  private final List<Destination> destinations;
  private final int localAddress;

  public VirtualService(
      String name, int vip, int port, int protocol, ForwardingMode mode, Scheduler scheduler,
      long persistenceNanos, List<Destination> destinations) {
    this(name, vip, port, protocol, mode, scheduler, persistenceNanos, destinations, 0);
  }

  /** @param localAddress FULLNAT: the address its connections leave from (the VIP or the DIP), else 0 */
  public VirtualService(
      String name, int vip, int port, int protocol, ForwardingMode mode, Scheduler scheduler,
      long persistenceNanos, List<Destination> destinations, int localAddress) {
    this.name = name;
    this.vip = vip;
    this.port = port;
    this.protocol = protocol;
    this.mode = mode;
    this.scheduler = scheduler;
    this.persistenceNanos = persistenceNanos;
    this.destinations = List.copyOf(destinations);
    this.localAddress = localAddress;
  }

  public String name() {
    return name;
  }

  public int vip() {
    return vip;
  }

  /** 0 for a service on every port. */
  public int port() {
    return port;
  }

  public int protocol() {
    return protocol;
  }

  public ForwardingMode mode() {
    return mode;
  }

  public Scheduler scheduler() {
    return scheduler;
  }

  public long persistenceNanos() {
    return persistenceNanos;
  }

  /** FULLNAT: the source address of its connections, where the real servers answer; else 0. */
  public int localAddress() {
    return localAddress;
  }

  public List<Destination> destinations() {
    return destinations;
  }

  /** The destination still serving RIP:port in this table, or null (for persistence templates). */
  public Destination destinationFor(int rip, int rport) {
    for (int i = 0; i < destinations.size(); i++) {
      Destination d = destinations.get(i);
      if (d.address() == rip && d.port() == rport) {
        return d;
      }
    }
    return null;
  }
}
