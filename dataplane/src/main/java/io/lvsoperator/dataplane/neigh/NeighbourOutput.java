package io.lvsoperator.dataplane.neigh;

import io.lvsoperator.dataplane.codec.Ethernet;
import io.lvsoperator.dataplane.codec.MacAddress;
import io.lvsoperator.dataplane.io.Offload;
import io.lvsoperator.dataplane.io.OffloadedFrames;
import io.lvsoperator.dataplane.io.PacketPort;
import io.lvsoperator.dataplane.route.RouteTable;
import io.lvsoperator.dataplane.stats.Counter;
import io.lvsoperator.dataplane.stats.DropReason;
import io.lvsoperator.dataplane.stats.EngineCounters;

/**
 * The last stages of the pipeline: route lookup (next hop), neighbour (its MAC, or park the frame
 * and ask ARP), transmit. Every frame the engine sends to an IP destination leaves through here.
 */
public final class NeighbourOutput {
  public static final long RETRY_NANOS = 1_000_000_000L;

  private final PacketPort port;
  private final NeighborTable neighbours;
  private final PendingFrames pending;
  private final EngineCounters counters;
  private final PendingFrames.Sender transmit = this::transmit;
  private ArpResponder arp;
  private long mac;

  public NeighbourOutput(PacketPort port, NeighborTable neighbours, PendingFrames pending, EngineCounters counters) {
    this.port = port;
    this.neighbours = neighbours;
    this.pending = pending;
    this.counters = counters;
  }

  void arp(ArpResponder responder) {
    this.arp = responder;
  }

  public void mac(long ourMac) {
    this.mac = ourMac;
  }

  /** Sends an IPv4 frame toward {@code dst}, not a real server; false when it was dropped (counted). */
  public boolean send(byte[] frame, int length, int dst, RouteTable routes, long now) {
    return send(frame, length, dst, false, routes, now);
  }

  /**
   * Sends an IPv4 frame toward {@code dst}; false when it was dropped (counted).
   *
   * @param realServer whether {@code dst} is a real server: with gateways, it may park frames
   *     in every slot, where a client on the segment (any source can claim to be one) gets half
   */
  public boolean send(byte[] frame, int length, int dst, boolean realServer, RouteTable routes, long now) {
    return send(frame, length, dst, realServer, routes, now, Offload.NONE);
  }

  /**
   * The same for a forwarded frame with what its sender's offloads left to do ({@link Offload}).
   * A frame parked for ARP waits finished (checksum computed); a super-frame is too big to park
   * and is dropped (its sender retransmits once the next hop answers).
   */
  public boolean send(byte[] frame, int length, int dst, boolean realServer, RouteTable routes, long now,
      Offload offload) {
    int hop = routes.nextHop(dst);
    if (hop == RouteTable.NO_ROUTE) {
      counters.drop(DropReason.NO_ROUTE);
      return false;
    }
    Ethernet.setSource(frame, mac);
    long hopMac = neighbours.lookup(hop);
    if (hopMac == MacAddress.NONE) {
      boolean important = realServer || hop != dst;
      if (offload.gso()) {
        if (neighbours.shouldRequest(hop, now, RETRY_NANOS, important)) {
          arp.request(hop, routes.sourceFor(hop), important);
        }
        counters.drop(DropReason.GSO_NOT_PARKED);
        return false;
      }
      OffloadedFrames.resolve(frame, length, offload);
      if (!pending.add(hop, frame, length, important, now)) {
        counters.drop(DropReason.NEIGHBOUR_QUEUE_FULL);
        return false;
      }
      if (neighbours.shouldRequest(hop, now, RETRY_NANOS, important)) {
        arp.request(hop, routes.sourceFor(hop), important);
      }
      return true;
    }
    Ethernet.setDestination(frame, hopMac);
    transmit(frame, length, offload);
    return true;
  }

  /** Sends frames parked for {@code hop}, now that its MAC is known. */
  void release(int hop, long hopMac) {
    pending.release(hop, hopMac, transmit);
  }

  /** Frees frames parked longer than {@code maxAgeNanos}; returns how many were dropped. */
  public int expirePending(long now, long maxAgeNanos) {
    return pending.expire(now, maxAgeNanos);
  }

  /** Puts a finished frame on the wire. */
  public void transmit(byte[] frame, int length) {
    transmit(frame, length, Offload.NONE);
  }

  private void transmit(byte[] frame, int length, Offload offload) {
    if (port.send(frame, length, offload)) {
      counters.inc(Counter.TX_FRAMES);
      counters.add(Counter.TX_BYTES, length);
    } else {
      counters.inc(Counter.TX_ERRORS);
    }
  }
}
