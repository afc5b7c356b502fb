package io.lvsoperator.dataplane.peer;

import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.dataplane.codec.Ethernet;
import io.lvsoperator.dataplane.codec.Ipv4Header;
import io.lvsoperator.dataplane.codec.Vrrp;
import io.lvsoperator.dataplane.control.IntSet;
import io.lvsoperator.dataplane.stats.Counter;
import io.lvsoperator.dataplane.stats.EngineCounters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.IntUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which addresses this director announces, on the engine thread (docs/architecture.md,
 * "Director liveness"): it keeps the {@link PeerTable} and this director's {@link Candidacy},
 * writes this director's advertisements, and after each tick in which a director's priority
 * changed (heard, silent, stopping, its own candidacy) applies {@link Ownership} to every address
 * of the {@link AnnouncePlan}. It tells what it now announces that it did not (for gratuitous
 * ARP), and what it goes on announcing though a director behind it in that address's order just
 * became able to claim it (that director may have, unaware of this one: its gratuitous ARP
 * taught the segment the wrong owner); what it stopped announcing it stops answering ARP for at
 * once. Nothing per packet allocates; a decision allocates its new set.
 *
 * <p>A director that did not run for a dead interval (its process frozen, a long pause) or lost
 * its link starts its candidacy over: what it knew of its peers is stale, and they have taken
 * its addresses meanwhile.
 */
public final class Announcer {
  private static final Logger LOG = LoggerFactory.getLogger(Announcer.class);
  private static final int LOGGED_ADDRESSES = 8;
  private static final int TOS_NETWORK_CONTROL = 0xc0;
  /**
   * How long a process that just started listens before it may announce: at least a second, as
   * its first frames (its peers' advertisements among them) wait while the JVM warms up; measured
   * in the lab's rolling restart, a restarted director first heard its peer 370 ms after it began
   * to listen.
   */
  static final long FIRST_LISTEN_NANOS = 1_000_000_000L;
  /**
   * How long the configuration naming a successor must have been in force before a stopping
   * director resigns to it: the successor applies the same generation a moment later (in the
   * lab's rolling restart, about a second), and until then it does not know it is one.
   */
  static final long HANDOVER_SETTLE_NANOS = 2_000_000_000L;

  private final EngineCounters counters;
  private final PeerTable peers;
  private final IntUnaryOperator view = this::priority;
  private final int[] seen = new int[AnnouncePlan.SLOTS];
  private final int[] current = new int[AnnouncePlan.SLOTS];
  /** The directors that became able to claim (ready or claiming) at this decision. */
  private final boolean[] rose = new boolean[AnnouncePlan.SLOTS];
  private final int[] selfAddress = new int[1];
  private AnnouncePlan plan;
  private Candidacy active;
  private boolean planChanged;
  private boolean peerAppeared;
  private boolean resigned;
  private boolean handingOver;
  private long handOverBy;
  private long planSince;
  private volatile boolean handedOver;
  private boolean linkDown;
  private long viewAt;
  private long lastTick;
  private long nextAdvertisement;
  private String node = "";
  private IntSet announced = new IntSet(List.of());
  private int[] announcedList = new int[0];
  private int[] fresh = new int[0];

  public Announcer(EngineCounters counters) {
    this.counters = counters;
    this.peers = new PeerTable(counters);
    Arrays.fill(seen, Integer.MIN_VALUE);
  }

  /** The plan of the table in force; a new one is decided on at the next tick. */
  public void plan(AnnouncePlan next, long now) {
    if (next == plan) {
      return;
    }
    if (next.elected()) {
      peers.configure(next.peers(), next.deadNanos());
      if (active == null) {
        // its first configuration with peers: it listens to them (at least a second) from now
        active = new Candidacy(now, next.deadNanos(), next.holdNanos(), FIRST_LISTEN_NANOS);
        LOG.info("director {} joins its {} peers (router ID {}): warming up for {} ms, claiming after {} s",
            next.name(AnnouncePlan.SELF), next.peers().size(), next.selfRouterId(),
            Math.max(next.deadNanos(), FIRST_LISTEN_NANOS) / 1_000_000,
            next.holdNanos() / 1_000_000_000);
      } else {
        active.configure(next.deadNanos(), next.holdNanos());
      }
      node = next.name(AnnouncePlan.SELF);
    }
    plan = next;
    planChanged = true;
    planSince = now;
  }

  /** An advertisement arrived (the caller checked its IPv4 header); see {@link PeerTable#received}. */
  public boolean received(byte[] f, int ip, int l4, int len, long at) {
    return plan != null && plan.elected() && peers.received(f, ip, l4, len, at);
  }

  /**
   * This director is stopping: it resigns (priority 0, announcing nothing) as soon as every
   * address it announces has a live director of its order to take it, or no peer is heard at
   * all, or {@code boundNanos} passed. Until then it goes on announcing: in a rolling update the
   * director restarted just before is alive but not yet back in the orders (the operator adds it
   * once it sees its Lease), and resigning then would leave its addresses to nobody.
   */
  public void resign(long now, long boundNanos) {
    if (!handingOver) {
      handingOver = true;
      handOverBy = now + boundNanos;
    }
  }

  /** True once it resigned (any thread): its peers took over or were told to. */
  public boolean handedOver() {
    return handedOver;
  }

  private void resignNow(String why) {
    resigned = true;
    handedOver = true;
    if (active != null) {
      active.stop();
    }
    nextAdvertisement = 0;
    if (plan != null && plan.elected()) {
      LOG.info("director {} resigns: {}", node, why);
    }
  }

  /** Why it may resign now, or null while an address it announces would be left to nobody. */
  private String handOverReason(long now) {
    if (now - handOverBy >= 0) {
      return "no director of its orders came to take its addresses in time";
    }
    if (!plan.elected()) {
      return "it is stopping";
    }
    boolean anyPeer = false;
    for (PeerTable.Peer p : plan.peers()) {
      anyPeer |= priority(p.routerId()) >= 0;
    }
    if (!anyPeer) {
      return "no peer is heard";
    }
    for (int i = 0; i < plan.size(); i++) {
      if (!announced.contains(plan.address(i))) {
        continue;
      }
      boolean successor = false;
      for (int slot : plan.order(i)) {
        successor |= slot != AnnouncePlan.SELF && Candidacy.mayOwn(priority(slot));
      }
      if (!successor) {
        return null;
      }
    }
    if (now - planSince < HANDOVER_SETTLE_NANOS) {
      return null; // its successor may not run this configuration yet
    }
    return "every address it announces has a live director to take it";
  }

  /**
   * Runs the timers at {@code now}; true when the announced addresses changed or must be announced
   * again, {@link #fresh()} then holding those to send gratuitous ARP for.
   *
   * @param link false while the interface is down: nothing is announced, and the candidacy
   *     starts over when it comes back (asked only with failover)
   */
  public boolean tick(long now, BooleanSupplier link) {
    if (plan == null) {
      handedOver = handingOver; // nothing to hand over
      return false;
    }
    if (active != null && !resigned) {
      boolean linkUp = link.getAsBoolean();
      if (!linkUp && !linkDown) {
        linkDown = true;
        active.stop();
        LOG.warn("director {}: its link is down; announcing nothing", node);
      } else if (linkUp && linkDown) {
        linkDown = false;
        restart(now, "its link is back");
      } else if (linkUp && lastTick != 0 && now - lastTick > plan.deadNanos()) {
        restart(now, "it did not run for " + (now - lastTick) / 1_000_000 + " ms");
      }
    }
    lastTick = now;
    viewAt = now;
    if (handingOver && !resigned) {
      String why = handOverReason(now);
      if (why != null) {
        resignNow(why);
      }
    }
    boolean changed = planChanged;
    if (planChanged) {
      Arrays.fill(current, Integer.MIN_VALUE);
    }
    if (plan.elected()) {
      int s = priority(AnnouncePlan.SELF);
      current[AnnouncePlan.SELF] = s;
      if (s != seen[AnnouncePlan.SELF]) {
        // its peers hear a new priority now, not an interval later: two directors reaching
        // CLAIMING a moment apart would otherwise both announce until the next advertisement
        nextAdvertisement = now;
        changed = true;
      }
      for (PeerTable.Peer p : plan.peers()) {
        int v = priority(p.routerId());
        current[p.routerId()] = v;
        changed |= v != seen[p.routerId()];
      }
    }
    if (!changed) {
      return false;
    }
    String why = planChanged ? "a new configuration" : reason();
    for (int slot = 0; slot < AnnouncePlan.SLOTS; slot++) {
      rose[slot] = slot != AnnouncePlan.SELF && Candidacy.mayOwn(current[slot]) && !Candidacy.mayOwn(seen[slot]);
      peerAppeared |= slot != AnnouncePlan.SELF && slot != AnnouncePlan.TRUSTED && current[slot] >= 0 && seen[slot] < 0;
    }
    planChanged = false;
    System.arraycopy(current, 0, seen, 0, seen.length);
    return decide(why);
  }

  private void restart(long now, String why) {
    active.restart(now);
    LOG.warn("director {}: {}; warming up again before it announces anything", node, why);
  }

  private int priority(int slot) {
    if (slot == AnnouncePlan.SELF) {
      return !plan.elected() ? Candidacy.CLAIMING : resigned ? Candidacy.STOPPING : active.priority(viewAt);
    }
    if (slot == AnnouncePlan.TRUSTED) {
      return Candidacy.CLAIMING;
    }
    return peers.priority(slot, viewAt);
  }

  /** Who changed, for the log: "node-b 100 -> silent, this director 50 -> 90". */
  private String reason() {
    StringBuilder sb = new StringBuilder();
    for (int slot = 0; slot < AnnouncePlan.TRUSTED; slot++) {
      if (current[slot] != seen[slot]) {
        if (!sb.isEmpty()) {
          sb.append(", ");
        }
        sb.append(plan.name(slot)).append(' ').append(state(seen[slot])).append(" -> ").append(state(current[slot]));
      }
    }
    return sb.toString();
  }

  private static String state(int priority) {
    return priority == Integer.MIN_VALUE ? "unknown" : priority < 0 ? "silent" : Integer.toString(priority);
  }

  private boolean decide(String why) {
    List<Integer> next = new ArrayList<>();
    for (int i = 0; i < plan.size(); i++) {
      if (Ownership.owner(plan.order(i), view) == AnnouncePlan.SELF) {
        next.add(plan.address(i));
      }
    }
    IntSet nextSet = new IntSet(next);
    List<Integer> gained = new ArrayList<>();
    for (int a : next) {
      if (!announced.contains(a)) {
        gained.add(a);
      }
    }
    List<Integer> lost = new ArrayList<>();
    for (int a : announcedList) {
      if (!nextSet.contains(a)) {
        lost.add(a);
      }
    }
    List<Integer> reasserted = new ArrayList<>();
    for (int i = 0; i < plan.size(); i++) {
      int a = plan.address(i);
      if (announced.contains(a) && nextSet.contains(a) && anyRose(plan.order(i))) {
        reasserted.add(a);
      }
    }
    announced = nextSet;
    announcedList = next.stream().mapToInt(Integer::intValue).toArray();
    List<Integer> told = new ArrayList<>(gained);
    told.addAll(reasserted);
    fresh = told.stream().mapToInt(Integer::intValue).toArray();
    if (!reasserted.isEmpty()) {
      LOG.info("director {}: {}; it announces {} addresses again, which that director may have claimed: {}", node,
          why, reasserted.size(), listed(reasserted));
    }
    if (gained.isEmpty() && lost.isEmpty()) {
      if (plan.elected() && !why.isEmpty() && reasserted.isEmpty()) {
        LOG.info("director {}: {}; it announces the same {} addresses", node, why, announcedList.length);
      }
      return !reasserted.isEmpty();
    }
    counters.add(Counter.ANNOUNCEMENT_CHANGES, gained.size() + lost.size());
    if (plan.elected()) {
      LOG.info("director {}: {}; it announces {} addresses: +{} {}, -{} {}", node, why, announcedList.length,
          gained.size(), listed(gained), lost.size(), listed(lost));
    }
    return true;
  }

  private boolean anyRose(int[] order) {
    for (int slot : order) {
      if (rose[slot]) {
        return true;
      }
    }
    return false;
  }

  private static String listed(List<Integer> addresses) {
    List<String> out = addresses.stream().limit(LOGGED_ADDRESSES).map(Ipv4::format).toList();
    return addresses.size() > LOGGED_ADDRESSES ? out + "..." : out.toString();
  }

  /**
   * Writes this director's advertisement into {@code f} when one is due at {@code now} and
   * returns its length; 0 when none is due or this director sends none (a fixed plan, not a peer
   * itself, its link down).
   */
  public int advertisement(byte[] f, long now, long mac) {
    if (plan == null || !plan.elected() || plan.selfRouterId() == 0 || active == null || linkDown
        || now - nextAdvertisement < 0) {
      return 0;
    }
    nextAdvertisement = now + plan.intervalNanos();
    int l3 = Ethernet.HEADER_LENGTH;
    int l4 = l3 + Ipv4Header.MIN_LENGTH;
    selfAddress[0] = plan.selfAddress();
    int priority = resigned ? Candidacy.STOPPING : active.priority(now);
    Ethernet.write(f, Vrrp.GROUP_MAC, mac, Ethernet.TYPE_IPV4);
    int vrrp = Vrrp.write(f, l4, plan.selfRouterId(), priority, (int) (plan.intervalNanos() / 10_000_000L),
        selfAddress, 1, plan.selfAddress(), Vrrp.GROUP);
    Ipv4Header.write(f, l3, TOS_NETWORK_CONTROL, Ipv4Header.MIN_LENGTH + vrrp, 0, 0, Vrrp.TTL, Vrrp.IP_PROTOCOL,
        plan.selfAddress(), Vrrp.GROUP);
    counters.inc(Counter.VRRP_ADVERTISEMENTS_SENT);
    return l4 + vrrp;
  }

  /** What this director answers ARP for among the plan's addresses. */
  public IntSet announced() {
    return announced;
  }

  /** The same, as a list (for gratuitous ARP refreshes and the state view). */
  public int[] announcedList() {
    return announcedList;
  }

  /**
   * After {@link #tick} returned true: the addresses announced now that were not before, and those
   * a director behind this one may have claimed.
   */
  public int[] fresh() {
    return fresh;
  }

  /**
   * True once after a tick in which a peer was heard that was not (it started, came back, or
   * the configuration named it): it lacks the connections this director holds.
   */
  public boolean peerAppeared() {
    boolean p = peerAppeared;
    peerAppeared = false;
    return p;
  }

  /** This director's own priority at the last tick (what it advertises); -1 before any plan. */
  public int selfPriority() {
    return plan == null ? -1 : priority(AnnouncePlan.SELF);
  }
}
