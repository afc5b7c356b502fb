package io.lvsoperator.dataplane.peer;

import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.api.v1alpha1.AnnounceSpec;
import io.lvsoperator.api.v1alpha1.FailoverSpec;
import io.lvsoperator.api.v1alpha1.PeerSpec;
import io.lvsoperator.dataplane.control.IntSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a director may announce, compiled for the engine (docs/architecture.md, "Director
 * liveness"). Directors are slots: {@link #SELF}, a peer's VRRP router ID (1-255), or
 * {@link #TRUSTED} for a director the orders name that is not among the peers (a dataplane of an
 * earlier version, or one that has not reported its address yet): it cannot be heard, so the
 * operator's order is taken as its word and it counts as claiming. Immutable.
 *
 * <p>A {@linkplain #fixed fixed} plan (a configuration without {@code failover}) announces every
 * address at once and sends nothing: the addresses are the configuration's {@code vips}.
 */
public final class AnnouncePlan {
  public static final int SELF = 0;
  public static final int TRUSTED = 256;
  public static final int SLOTS = 257;

  private final boolean elected;
  private final int[] addresses;
  private final int[][] orders;
  private final List<PeerTable.Peer> peers;
  private final IntSet peerAddresses;
  private final String[] names = new String[SLOTS];
  private final int selfRouterId;
  private final int selfAddress;
  private final long intervalNanos;
  private final long deadNanos;
  private final long holdNanos;

  private AnnouncePlan(boolean elected, int[] addresses, int[][] orders, List<PeerTable.Peer> peers, String self,
      int selfRouterId, int selfAddress, long intervalNanos, long deadNanos, long holdNanos) {
    this.elected = elected;
    this.addresses = addresses;
    this.orders = orders;
    this.peers = List.copyOf(peers);
    this.peerAddresses = new IntSet(peers.stream().map(PeerTable.Peer::address).toList());
    this.selfRouterId = selfRouterId;
    this.selfAddress = selfAddress;
    this.intervalNanos = intervalNanos;
    this.deadNanos = deadNanos;
    this.holdNanos = holdNanos;
    names[SELF] = self;
    names[TRUSTED] = "a director not heard on the network";
    peers.forEach(p -> names[p.routerId()] = p.name());
  }

  /** Every one of {@code vips} announced, nobody asked. */
  public static AnnouncePlan fixed(List<Integer> vips) {
    int[] addresses = vips.stream().mapToInt(Integer::intValue).toArray();
    int[][] orders = new int[addresses.length][];
    for (int i = 0; i < orders.length; i++) {
      orders[i] = new int[] {SELF};
    }
    return new AnnouncePlan(false, addresses, orders, List.of(), "this director", 0, 0, 0, 0, 0);
  }

  /** The plan of a validated failover configuration. */
  public static AnnouncePlan of(FailoverSpec f) {
    Map<String, Integer> slots = new HashMap<>();
    List<PeerTable.Peer> peers = new ArrayList<>();
    int selfRouterId = 0;
    int selfAddress = 0;
    for (PeerSpec p : f.peers()) {
      if (p.name().equals(f.node())) {
        selfRouterId = p.routerId();
        selfAddress = Ipv4.parse(p.address());
      } else {
        slots.put(p.name(), p.routerId());
        peers.add(new PeerTable.Peer(p.name(), p.routerId(), Ipv4.parse(p.address())));
      }
    }
    slots.put(f.node(), SELF);
    int[] addresses = new int[f.announce().size()];
    int[][] orders = new int[addresses.length][];
    for (int i = 0; i < addresses.length; i++) {
      AnnounceSpec a = f.announce().get(i);
      addresses[i] = Ipv4.parse(a.address());
      orders[i] = a.directors().stream().mapToInt(d -> slots.getOrDefault(d, TRUSTED)).toArray();
    }
    return new AnnouncePlan(true, addresses, orders, peers, f.node(), selfRouterId, selfAddress,
        TimeUnit.MILLISECONDS.toNanos(f.advertisementIntervalMillis()),
        TimeUnit.MILLISECONDS.toNanos(f.deadIntervalMillis()), TimeUnit.SECONDS.toNanos(f.holdSeconds()));
  }

  /** False for a fixed plan: every address is announced, no advertisement sent or heard. */
  public boolean elected() {
    return elected;
  }

  public int size() {
    return addresses.length;
  }

  public int address(int i) {
    return addresses[i];
  }

  /** The slots that may announce address {@code i}, in order. */
  public int[] order(int i) {
    return orders[i];
  }

  /** The peers' addresses: where advertisements and sync messages may come from. */
  public IntSet peerAddresses() {
    return peerAddresses;
  }

  /** The peers (never this director itself). */
  public List<PeerTable.Peer> peers() {
    return peers;
  }

  /** This director's router ID, 0 when it is no peer (it then sends no advertisements). */
  public int selfRouterId() {
    return selfRouterId;
  }

  public int selfAddress() {
    return selfAddress;
  }

  public long intervalNanos() {
    return intervalNanos;
  }

  /** {@link FailoverSpec#deadIntervalMillis}: three intervals, as VRRP's. */
  public long deadNanos() {
    return deadNanos;
  }

  public long holdNanos() {
    return holdNanos;
  }

  /** The name of a slot, for logs. */
  public String name(int slot) {
    return names[slot] != null ? names[slot] : "router " + slot;
  }
}
