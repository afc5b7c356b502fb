package io.lvsoperator.dataplane.neigh;

import io.lvsoperator.dataplane.codec.Arp;
import io.lvsoperator.dataplane.codec.MacAddress;
import io.lvsoperator.dataplane.control.IntSet;
import io.lvsoperator.dataplane.route.RouteTable;
import io.lvsoperator.dataplane.stats.Counter;
import io.lvsoperator.dataplane.stats.DropReason;
import io.lvsoperator.dataplane.stats.EngineCounters;

/**
 * The ARP stage: answers requests for the addresses the director owns (and nothing else), learns
 * neighbours from ARP frames by the rules of {@link NeighborTable} (unicast sender MACs only,
 * locktime, doubt instead of trust for active next hops, a quarter of the table for what others
 * announce), sends requests to resolve next hops and gratuitous ARP when it starts owning a VIP.
 */
public final class ArpResponder {
  private final NeighborTable neighbours;
  private final NeighbourOutput output;
  private final EngineCounters counters;
  /** How long after our request a reply counts as its answer (our retries are a second apart). */
  static final long SOLICITED_WINDOW_NANOS = 3_000_000_000L;

  private final byte[] tx = new byte[Arp.FRAME_LENGTH];
  private long mac;
  private Asker asker;
  private Teller teller;

  /** Where a worker that runs no ARP sends its requests: to the worker that does. */
  @FunctionalInterface
  public interface Asker {
    void ask(int ip, int source, boolean important);
  }

  /** Who hears of each neighbour learnt or refreshed: the workers that run no ARP. */
  @FunctionalInterface
  public interface Teller {
    void learnt(int ip, long mac, boolean opportunistic);
  }

  public ArpResponder(NeighborTable neighbours, NeighbourOutput output, EngineCounters counters) {
    this.neighbours = neighbours;
    this.output = output;
    this.counters = counters;
    output.arp(this);
  }

  public void mac(long ourMac) {
    this.mac = ourMac;
  }

  /**
   * This worker receives no ARP (docs/architecture.md, "Workers"): its requests go to {@code
   * asker}, whose worker sends them and takes the replies, and what it learns comes through
   * {@link #learnt}.
   */
  public void askThrough(Asker to) {
    this.asker = to;
  }

  /** Each neighbour this worker learns or refreshes is told to {@code to}. */
  public void tellTo(Teller to) {
    this.teller = to;
  }

  /**
   * What the worker that runs ARP learnt ({@link #askThrough}): taken as it is, and the frames
   * parked for it go out.
   */
  public void learnt(int ip, long hopMac, boolean opportunistic, long now) {
    if (neighbours.copy(ip, hopMac, opportunistic, now)) {
      output.release(ip, hopMac);
    }
  }

  /**
   * Handles one ARP frame.
   *
   * @param announced the VIPs this director announces now: answered
   * @param dips its own addresses the kernel does not hold: answered
   * @param owned every VIP it serves and its DIPs: never learnt as another host's
   */
  public void handle(byte[] f, int len, IntSet announced, IntSet dips, IntSet owned, RouteTable routes, long now) {
    if (!Arp.isEthernetIpv4(f, len)) {
      counters.drop(DropReason.MALFORMED);
      return;
    }
    int op = Arp.operation(f);
    int senderIp = Arp.senderIp(f);
    long senderMac = Arp.senderMac(f);
    int targetIp = Arp.targetIp(f);
    if (!MacAddress.isUnicast(senderMac)) {
      // a multicast or zero sender MAC would send our traffic to every port or to nobody
      counters.drop(DropReason.BAD_ARP_SENDER);
      return;
    }
    // never let another host claim an address we own
    if (senderIp != 0 && senderMac != mac && !owned.contains(senderIp) && routes.isConnected(senderIp)) {
      boolean solicited = op == Arp.OP_REPLY && neighbours.awaiting(senderIp, now, SOLICITED_WINDOW_NANOS);
      switch (neighbours.learn(senderIp, senderMac, solicited, now)) {
        case LEARNED -> {
          counters.inc(Counter.NEIGHBOURS_LEARNED);
          output.release(senderIp, senderMac);
          told(senderIp, senderMac);
        }
        case REFRESHED -> {
          output.release(senderIp, senderMac);
          told(senderIp, senderMac);
        }
        case LOCKED -> counters.inc(Counter.NEIGHBOUR_UPDATES_REFUSED);
        case SUSPECT -> {
          // the owner we confirmed answers for itself: ask, and take its answer
          counters.inc(Counter.NEIGHBOUR_UPDATES_REFUSED);
          neighbours.doubt(senderIp);
          if (neighbours.shouldRequest(senderIp, now, NeighbourOutput.RETRY_NANOS)) {
            request(senderIp, routes.sourceFor(senderIp));
          }
        }
        // the frame itself is handled below: a sender not learnt is no dropped frame
        case FULL -> counters.inc(Counter.NEIGHBOURS_NOT_LEARNED);
      }
    }
    if (op == Arp.OP_REQUEST) {
      counters.inc(Counter.ARP_REQUESTS_RECEIVED);
      if (targetIp != senderIp && (announced.contains(targetIp) || dips.contains(targetIp))) {
        int n = Arp.write(tx, senderMac, mac, Arp.OP_REPLY, mac, targetIp, senderMac, senderIp);
        output.transmit(tx, n);
        counters.inc(Counter.ARP_REPLIES_SENT);
      } else {
        counters.inc(Counter.IGNORED);
      }
    } else if (op == Arp.OP_REPLY) {
      counters.inc(Counter.ARP_REPLIES_RECEIVED);
    } else {
      counters.drop(DropReason.MALFORMED);
    }
  }

  private void told(int ip, long hopMac) {
    if (teller != null) {
      teller.learnt(ip, hopMac, neighbours.opportunistic(ip));
    }
  }

  /** Asks who has {@code ip}, from our address {@code source}: a next hop of ours. */
  public void request(int ip, int source) {
    request(ip, source, true);
  }

  /**
   * The same; {@code important} false for a next hop anyone can name (a client on the segment):
   * see {@link NeighborTable#shouldRequest(int, long, long, boolean)}.
   */
  public void request(int ip, int source, boolean important) {
    if (asker != null) {
      asker.ask(ip, source, important);
      return;
    }
    int n = Arp.write(tx, MacAddress.BROADCAST, mac, Arp.OP_REQUEST, mac, source, MacAddress.NONE, ip);
    output.transmit(tx, n);
    counters.inc(Counter.ARP_REQUESTS_SENT);
  }

  /** Announces that {@code vip} is at our MAC, so neighbours update their caches at once. */
  public void gratuitous(int vip) {
    int n = Arp.write(tx, MacAddress.BROADCAST, mac, Arp.OP_REQUEST, mac, vip, MacAddress.NONE, vip);
    output.transmit(tx, n);
    counters.inc(Counter.GRATUITOUS_ARP_SENT);
  }
}
