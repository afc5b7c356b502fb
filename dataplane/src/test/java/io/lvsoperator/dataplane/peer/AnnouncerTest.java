package io.lvsoperator.dataplane.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.api.v1alpha1.AnnounceSpec;
import io.lvsoperator.api.v1alpha1.FailoverSpec;
import io.lvsoperator.api.v1alpha1.PeerSpec;
import io.lvsoperator.dataplane.codec.Ethernet;
import io.lvsoperator.dataplane.codec.Ipv4Header;
import io.lvsoperator.dataplane.codec.Vrrp;
import io.lvsoperator.dataplane.stats.Counter;
import io.lvsoperator.dataplane.stats.EngineCounters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Directors deciding among themselves, on a simulated link and clock: each ticks every 50 ms as
 * the engine does, and what one advertises the others receive. The rules of docs/architecture.md,
 * "Director liveness": takeover within a dead interval, at once on a resignation, a hold time
 * before taking back, nothing announced while warming up, after a freeze or with the link down.
 */
class AnnouncerTest {
  static final long MS = 1_000_000L;
  static final long TICK = 50 * MS;
  static final int INTERVAL_MS = 100;
  static final int HOLD_S = 2;
  static final String VIP1 = "198.18.0.100";
  static final String VIP2 = "198.18.0.101";
  static final List<PeerSpec> PEERS = List.of(new PeerSpec("a", "198.18.0.2", 1), new PeerSpec("b", "198.18.0.3", 2));
  static final List<AnnounceSpec> ORDERS = List.of(new AnnounceSpec(VIP1, List.of("a", "b")),
      new AnnounceSpec(VIP2, List.of("b", "a")));

  final Map<String, Director> directors = new LinkedHashMap<>();
  long now = 1_000 * MS;

  final class Director {
    final String name;
    final EngineCounters counters = new EngineCounters();
    final Announcer announcer = new Announcer(counters);
    final byte[] frame = new byte[128];
    boolean running = true;
    boolean linkUp = true;
    /** Hears nothing (its first frames lost while its JVM warms up, a one-way partition). */
    boolean deaf;
    /** Every address it sent gratuitous ARP for, in order. */
    final List<String> garps = new ArrayList<>();
    /** The priority of each advertisement it sent, keyed by the time it sent it. */
    final Map<Long, Integer> advertised = new LinkedHashMap<>();

    Director(String name, List<AnnounceSpec> orders) {
      this.name = name;
      announcer.plan(AnnouncePlan.of(new FailoverSpec(name, INTERVAL_MS, HOLD_S, PEERS, orders)), now);
    }

    List<String> announces() {
      List<String> out = new ArrayList<>();
      for (int a : announcer.announcedList()) {
        out.add(Ipv4.format(a));
      }
      return out;
    }
  }

  Director start(String name) {
    return start(name, ORDERS);
  }

  Director start(String name, List<AnnounceSpec> orders) {
    Director d = new Director(name, orders);
    directors.put(name, d);
    return d;
  }

  /** One tick of every running director, then the advertisements they sent cross the link. */
  void step() {
    now += TICK;
    List<byte[]> wire = new ArrayList<>();
    for (Director d : directors.values()) {
      if (!d.running) {
        continue;
      }
      if (d.announcer.tick(now, () -> d.linkUp)) {
        for (int a : d.announcer.fresh()) {
          d.garps.add(Ipv4.format(a));
        }
      }
      int n = d.announcer.advertisement(d.frame, now, 0x020000000000L + d.name.charAt(0));
      if (n > 0 && d.linkUp) {
        wire.add(java.util.Arrays.copyOf(d.frame, n));
        d.advertised.put(now, Vrrp.priority(d.frame, Ethernet.HEADER_LENGTH + Ipv4Header.MIN_LENGTH));
      }
    }
    for (byte[] f : wire) {
      for (Director d : directors.values()) {
        if (d.running && d.linkUp && !d.deaf && Ethernet.source(f) != 0x020000000000L + d.name.charAt(0)) {
          int l3 = Ethernet.HEADER_LENGTH;
          d.announcer.received(f, l3, l3 + Ipv4Header.MIN_LENGTH, f.length - l3 - Ipv4Header.MIN_LENGTH, now);
        }
      }
    }
  }

  /** Steps until {@code condition} or {@code limitMs}; the milliseconds it took. */
  long stepUntil(java.util.function.BooleanSupplier condition, long limitMs) {
    long start = now;
    while (!condition.getAsBoolean()) {
      assertThat(now - start).as("within %d ms", limitMs).isLessThan(limitMs * MS);
      step();
    }
    return (now - start) / MS;
  }

  void steps(long ms) {
    for (long t = 0; t < ms * MS; t += TICK) {
      step();
    }
  }

  /** How many running directors announce {@code vip}. */
  int owners(String vip) {
    return (int) directors.values().stream().filter(d -> d.running && d.announces().contains(vip)).count();
  }

  @Test
  void eachAddressIsAnnouncedByTheFirstDirectorOfItsOrderOnceTheyHaveListened() {
    Director a = start("a");
    Director b = start("b");
    step();
    assertThat(a.announces()).as("warming up: it listens first").isEmpty();
    assertThat(b.announces()).isEmpty();
    steps(800);
    assertThat(a.announces()).as("a process that just started listens for a second").isEmpty();
    steps(300);
    assertThat(a.announces()).containsExactly(VIP1);
    assertThat(b.announces()).containsExactly(VIP2);
    assertThat(a.counters.get(Counter.VRRP_ADVERTISEMENTS_RECEIVED)).isGreaterThan(0);
  }

  @Test
  void theStandbyTakesOverWithinADeadIntervalOfTheOwnersLastAdvertisement() {
    Director a = start("a");
    Director b = start("b");
    steps(3_000);
    a.running = false; // kill -9: it just goes silent
    long took = stepUntil(() -> b.announces().contains(VIP1), 1_000);
    assertThat(took).isBetween(200L, 400L);
    assertThat(b.announcer.fresh()).containsExactly(Ipv4.parse(VIP1));
  }

  @Test
  void aResigningOwnerIsReplacedAtOnce() {
    Director a = start("a");
    Director b = start("b");
    steps(3_000);
    a.announcer.resign(now, 10_000 * MS);
    step();
    assertThat(a.announces()).as("it stops answering at once").isEmpty();
    long took = stepUntil(() -> b.announces().contains(VIP1), 1_000);
    assertThat(took).as("on its priority 0, not after a dead interval").isLessThanOrEqualTo(100L);
  }

  /**
   * A rolling update: b, restarted a moment ago, is alive but not back in the orders yet (the
   * operator adds it once it sees its Lease). a, told to stop, goes on announcing until its
   * configuration names b, then resigns, and b takes over at once; nobody is left without.
   */
  @Test
  void aStoppingDirectorHandsOverOnlyOnceASuccessorIsInTheOrder() {
    List<AnnounceSpec> onlyA = List.of(new AnnounceSpec(VIP1, List.of("a")));
    Director a = start("a", onlyA);
    Director b = start("b", onlyA);
    steps(3_000);
    assertThat(a.announces()).containsExactly(VIP1);
    a.announcer.resign(now, 10_000 * MS);
    steps(1_000);
    assertThat(a.announcer.handedOver()).as("b is heard, but in no order").isFalse();
    assertThat(a.announces()).containsExactly(VIP1);
    List<AnnounceSpec> both = List.of(new AnnounceSpec(VIP1, List.of("a", "b")));
    for (Director d : List.of(a, b)) {
      d.announcer.plan(AnnouncePlan.of(new FailoverSpec(d.name, INTERVAL_MS, HOLD_S, PEERS, both)), now);
    }
    steps(1_900);
    assertThat(a.announcer.handedOver()).as("b may not run that configuration yet").isFalse();
    steps(150);
    assertThat(a.announcer.handedOver()).isTrue();
    assertThat(a.announces()).isEmpty();
    long took = stepUntil(() -> b.announces().contains(VIP1), 1_000);
    assertThat(took).as("on a's priority 0").isLessThanOrEqualTo(100L);
  }

  @Test
  void aStoppingDirectorWithNoSuccessorResignsAtItsBoundOrAtOnceWhenAlone() {
    List<AnnounceSpec> onlyA = List.of(new AnnounceSpec(VIP1, List.of("a")));
    Director a = start("a", onlyA);
    Director b = start("b", onlyA);
    steps(3_000);
    a.announcer.resign(now, 2_000 * MS);
    steps(1_900);
    assertThat(a.announcer.handedOver()).isFalse();
    steps(200);
    assertThat(a.announcer.handedOver()).as("its bound").isTrue();
    b.running = false;
    Director alone = start("c", List.of(new AnnounceSpec(VIP2, List.of("c"))));
    steps(1_000);
    alone.announcer.resign(now, 10_000 * MS);
    step();
    assertThat(alone.announcer.handedOver()).as("no peer heard: nobody to wait for").isTrue();
  }

  @Test
  void aDirectorThatComesBackTakesItsAddressBackOnlyAfterItsHoldTimeAndNeverBesideTheOther() {
    start("a");
    Director b = start("b");
    steps(3_000);
    directors.get("a").running = false;
    stepUntil(() -> b.announces().contains(VIP1), 1_000);
    Director a = start("a"); // restarted
    long overlapMs = 0;
    long took = 0;
    while (!(a.announces().contains(VIP1) && owners(VIP1) == 1)) {
      assertThat(took).isLessThan(5_000);
      step();
      took += TICK / MS;
      if (owners(VIP1) > 1) {
        overlapMs += TICK / MS;
      }
      if (took < HOLD_S * 1000L) {
        assertThat(a.announces()).as("at %d ms, within its hold time", took).doesNotContain(VIP1);
        assertThat(owners(VIP1)).isEqualTo(1);
      }
    }
    assertThat(took).isBetween(HOLD_S * 1000L, HOLD_S * 1000L + 200);
    assertThat(overlapMs).as("two announcers for at most one advertisement interval").isLessThanOrEqualTo(INTERVAL_MS);
    assertThat(b.announces()).containsExactly(VIP2);
  }

  /**
   * b did not hear a while it listened and claimed a's address too (its gratuitous ARP taught the
   * segment its MAC). It gives the address up as soon as it hears a; a, seeing a director of that
   * address's order become able to claim it, announces it again (keepalived does the same on a
   * lower-priority advertisement), so no neighbour keeps sending to the one that gave it up.
   */
  @Test
  void anOwnerAnnouncesItsAddressesAgainWhenADirectorBehindItMayHaveClaimedThem() {
    Director a = start("a");
    steps(1_500);
    assertThat(a.announces()).as("alone: both").containsExactlyInAnyOrder(VIP1, VIP2);
    a.garps.clear();
    Director b = start("b");
    b.deaf = true;
    stepUntil(() -> b.announces().contains(VIP1), 2_000);
    // a answers at b's next advertisement
    stepUntil(() -> a.garps.contains(VIP1), INTERVAL_MS + TICK / MS);
    b.deaf = false;
    stepUntil(() -> !b.announces().contains(VIP1), 500);
    assertThat(owners(VIP1)).isEqualTo(1);
    a.garps.clear();
    steps(1_000);
    assertThat(a.garps).as("nothing changed since: no further announcement").isEmpty();
  }

  /**
   * Two directors reaching CLAIMING a moment apart both announce an address until the later one's
   * peer hears it claim: a change of its own priority goes out at once, not an interval later.
   */
  @Test
  void aChangeOfItsOwnPriorityIsAdvertisedAtOnce() {
    Director a = start("a");
    int last = a.announcer.selfPriority();
    List<Integer> changes = new ArrayList<>();
    for (int i = 0; i < 3_000 / 50; i++) {
      step();
      int p = a.announcer.selfPriority();
      if (p != last) {
        changes.add(p);
        assertThat(a.advertised.get(now)).as("advertised in the tick it became %d", p).isEqualTo(p);
        last = p;
      }
      // a tick whose own interval is not over: the change alone makes it due
      now += 10 * MS;
    }
    assertThat(changes).as("warming up, ready, claiming").containsExactly(Candidacy.READY, Candidacy.CLAIMING);
  }

  @Test
  void aDirectorWithItsLinkDownAnnouncesNothingAndStartsOverWhenItComesBack() {
    Director a = start("a");
    Director b = start("b");
    steps(3_000);
    a.linkUp = false;
    step();
    assertThat(a.announces()).isEmpty();
    assertThat(a.announcer.advertisement(a.frame, now, 1)).as("sends nothing").isZero();
    stepUntil(() -> b.announces().containsAll(List.of(VIP1, VIP2)), 1_000);
    a.linkUp = true;
    steps(1_000);
    assertThat(a.announces()).as("b claims it; a waits its hold time").isEmpty();
    stepUntil(() -> a.announces().contains(VIP1) && !b.announces().contains(VIP1), 2_000);
  }

  @Test
  void aDirectorFrozenForLongerThanADeadIntervalForgetsWhatItAnnouncedWhenItRunsAgain() {
    Director a = start("a");
    Director b = start("b");
    steps(3_000);
    a.running = false; // SIGSTOP
    stepUntil(() -> b.announces().contains(VIP1), 1_000);
    steps(500);
    a.running = true; // SIGCONT
    step();
    assertThat(a.announces()).as("its peers took over meanwhile").isEmpty();
    assertThat(owners(VIP1)).isEqualTo(1);
  }

  @Test
  void aDirectorTheOrderNamesButThatIsNoPeerIsTakenAtTheOperatorsWord() {
    List<AnnounceSpec> orders = List.of(new AnnounceSpec(VIP1, List.of("old", "a")));
    Director a = start("a", orders);
    steps(3_000);
    assertThat(a.announces()).isEmpty();
  }

  @Test
  void withoutFailoverEveryVipIsAnnouncedAtOnceAndNothingIsSent() {
    Announcer fixed = new Announcer(new EngineCounters());
    fixed.plan(AnnouncePlan.fixed(List.of(Ipv4.parse(VIP1), Ipv4.parse(VIP2))), now);
    assertThat(fixed.tick(now, () -> true)).isTrue();
    assertThat(fixed.announced().contains(Ipv4.parse(VIP1))).isTrue();
    assertThat(fixed.announced().contains(Ipv4.parse(VIP2))).isTrue();
    assertThat(fixed.advertisement(new byte[128], now, 1)).isZero();
  }

  @Test
  void itsAdvertisementIsAValidVrrpPacketFromItsAddress() {
    Director a = start("a");
    int n = a.announcer.advertisement(a.frame, now, 0x020000000001L);
    int l3 = Ethernet.HEADER_LENGTH;
    int l4 = l3 + Ipv4Header.MIN_LENGTH;
    assertThat(n).isEqualTo(l4 + Vrrp.length(1));
    assertThat(Ethernet.destination(a.frame)).isEqualTo(Vrrp.GROUP_MAC);
    assertThat(Ipv4Header.checksumValid(a.frame, l3)).isTrue();
    assertThat(Ipv4Header.ttl(a.frame, l3)).isEqualTo(255);
    assertThat(Ipv4Header.source(a.frame, l3)).isEqualTo(Ipv4.parse("198.18.0.2"));
    assertThat(Vrrp.malformed(a.frame, l4, Vrrp.length(1), Ipv4.parse("198.18.0.2"), Vrrp.GROUP)).isNull();
    assertThat(Vrrp.routerId(a.frame, l4)).isEqualTo(1);
    assertThat(Vrrp.priority(a.frame, l4)).isEqualTo(Candidacy.WARMING_UP);
    assertThat(Vrrp.intervalCentis(a.frame, l4)).isEqualTo(10);
    assertThat(a.announcer.advertisement(a.frame, now + 50 * MS, 1)).as("one per interval").isZero();
  }
}
