package io.lvsoperator.dataplane.neigh;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.dataplane.codec.MacAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.UniqueElements;
import org.junit.jupiter.api.Test;

import static io.lvsoperator.dataplane.neigh.NeighborTable.Learnt.FULL;
import static io.lvsoperator.dataplane.neigh.NeighborTable.Learnt.LEARNED;

class NeighborTableTest {
  static final long SECOND = 1_000_000_000L;
  static final long RETRY = SECOND;
  static final long T0 = 5_000 * SECOND;
  static final int RS1 = Ipv4.parse("198.18.0.11");
  static final int RS2 = Ipv4.parse("198.18.0.12");
  static final long MAC1 = MacAddress.parse("02:00:00:00:00:11");
  static final long MAC2 = MacAddress.parse("02:00:00:00:00:12");

  static final NeighborTable.IntConsumer NO_RETRY = ip -> {
    throw new AssertionError("unexpected retry for " + Ipv4.format(ip));
  };

  @Test
  void learntNeighboursAreFound() {
    // a confirmed MAC is replaced only once the owner has been silent for REACHABLE
    NeighborTable t = new NeighborTable(16);
    assertThat(t.lookup(RS1)).isEqualTo(MacAddress.NONE);
    assertThat(t.learn(RS1, MAC1, true, T0)).isEqualTo(LEARNED);
    assertThat(t.learn(RS2, MAC2, true, T0)).isEqualTo(LEARNED);
    assertThat(t.lookup(RS1)).isEqualTo(MAC1);
    assertThat(t.lookup(RS2)).isEqualTo(MAC2);
    assertThat(t.size()).isEqualTo(2);

    long later = T0 + NeighborTable.REACHABLE_NANOS;
    assertThat(t.learn(RS1, MAC2, true, later)).as("a new MAC replaces the old").isEqualTo(LEARNED);
    assertThat(t.lookup(RS1)).isEqualTo(MAC2);
    assertThat(t.size()).isEqualTo(2);
    assertThat(t.entries()).containsExactlyInAnyOrder(
        new NeighborTable.Entry(RS1, MAC2, later, 0), new NeighborTable.Entry(RS2, MAC2, T0, 0));
  }

  @Test
  void addressZeroIsNeverLearnt() {
    NeighborTable t = new NeighborTable(16);
    assertThat(t.learn(0, MAC1, true, T0)).isEqualTo(FULL);
    assertThat(t.size()).isZero();
    assertThat(t.lookup(0)).isEqualTo(MacAddress.NONE);
  }

  @Test
  void requestsArePacedByTheRetryInterval() {
    NeighborTable t = new NeighborTable(16);
    assertThat(t.shouldRequest(RS1, T0, RETRY)).isTrue();
    assertThat(t.lookup(RS1)).as("still resolving").isEqualTo(MacAddress.NONE);
    assertThat(t.size()).isEqualTo(1);
    assertThat(t.shouldRequest(RS1, T0 + 1, RETRY)).isFalse();
    assertThat(t.shouldRequest(RS1, T0 + RETRY - 1, RETRY)).isFalse();
    assertThat(t.shouldRequest(RS1, T0 + RETRY, RETRY)).isTrue();
    assertThat(t.shouldRequest(RS1, T0 + RETRY + 1, RETRY)).isFalse();
    assertThat(t.entries()).singleElement().extracting(NeighborTable.Entry::requests).isEqualTo(2);

    assertThat(t.learn(RS1, MAC1, true, T0 + 2 * RETRY)).isEqualTo(LEARNED);
    assertThat(t.lookup(RS1)).isEqualTo(MAC1);
    assertThat(t.entries()).singleElement().extracting(NeighborTable.Entry::requests).isEqualTo(0);
    assertThat(t.size()).isEqualTo(1);
  }

  @Test
  void expireRetriesThenDropsUnresolvedNeighbours() {
    NeighborTable t = new NeighborTable(16);
    t.shouldRequest(RS1, T0, RETRY);
    List<Integer> retried = new ArrayList<>();

    t.expire(T0 + RETRY / 2, 60 * SECOND, 3, RETRY, Long.MAX_VALUE, retried::add);
    assertThat(retried).as("not due yet").isEmpty();

    t.expire(T0 + RETRY, 60 * SECOND, 3, RETRY, Long.MAX_VALUE, retried::add);
    assertThat(retried).containsExactly(RS1);
    t.expire(T0 + 2 * RETRY, 60 * SECOND, 3, RETRY, Long.MAX_VALUE, retried::add);
    assertThat(retried).containsExactly(RS1, RS1);
    assertThat(t.entries()).singleElement().extracting(NeighborTable.Entry::requests).isEqualTo(3);
    assertThat(t.shouldRequest(RS1, T0 + 2 * RETRY + 1, RETRY)).as("expire counted as a request").isFalse();

    t.expire(T0 + 3 * RETRY, 60 * SECOND, 3, RETRY, Long.MAX_VALUE, retried::add);
    assertThat(retried).hasSize(2);
    assertThat(t.size()).isZero();
    assertThat(t.lookup(RS1)).isEqualTo(MacAddress.NONE);
    assertThat(t.shouldRequest(RS1, T0 + 3 * RETRY, RETRY)).as("starts over").isTrue();
  }

  @Test
  void expireDropsStaleNeighboursOnly() {
    NeighborTable t = new NeighborTable(16);
    t.learn(RS1, MAC1, true, T0);
    t.learn(RS2, MAC2, true, T0 + 30 * SECOND);
    t.expire(T0 + 60 * SECOND, 60 * SECOND, 3, RETRY, Long.MAX_VALUE, NO_RETRY);
    assertThat(t.size()).isEqualTo(2);
    t.expire(T0 + 60 * SECOND + 1, 60 * SECOND, 3, RETRY, Long.MAX_VALUE, NO_RETRY);
    assertThat(t.lookup(RS1)).isEqualTo(MacAddress.NONE);
    assertThat(t.lookup(RS2)).isEqualTo(MAC2);
    assertThat(t.size()).isEqualTo(1);
    t.learn(RS2, MAC2, true, T0 + 80 * SECOND); // refreshed
    t.expire(T0 + 120 * SECOND, 60 * SECOND, 3, RETRY, Long.MAX_VALUE, NO_RETRY);
    assertThat(t.lookup(RS2)).isEqualTo(MAC2);
  }

  @Test
  void fullTableRefusesNewNeighboursButUpdatesKnownOnes() {
    NeighborTable t = new NeighborTable(16); // 32 slots, filled to three quarters
    int base = Ipv4.parse("10.0.0.1");
    int n = 0;
    while (t.learn(base + n, MAC1, true, T0) == LEARNED) {
      n++;
      assertThat(n).isLessThanOrEqualTo(32);
    }
    assertThat(n).isEqualTo(24);
    assertThat(t.size()).isEqualTo(24);
    assertThat(t.shouldRequest(base + 100, T0, RETRY)).isFalse();
    assertThat(t.size()).isEqualTo(24);
    assertThat(t.learn(base + 5, MAC2, true, T0 + NeighborTable.REACHABLE_NANOS)).as("known entries still update")
        .isEqualTo(LEARNED);
    assertThat(t.lookup(base + 5)).isEqualTo(MAC2);
    for (int i = 0; i < 24; i++) {
      assertThat(t.lookup(base + i)).isEqualTo(i == 5 ? MAC2 : MAC1);
    }
    assertThat(t.lookup(base + 24)).isEqualTo(MacAddress.NONE);
  }

  @Test
  void aDifferentMacWithinTheLocktimeIsIgnored() {
    NeighborTable t = new NeighborTable(16);
    t.learn(RS1, MAC1, true, T0);
    assertThat(t.learn(RS1, MAC2, true, T0 + NeighborTable.LOCKTIME_NANOS - 1)).isEqualTo(NeighborTable.Learnt.LOCKED);
    assertThat(t.lookup(RS1)).isEqualTo(MAC1);
  }

  /** A forged announcement for an active next hop is doubted, not taken; the owner's answer is. */
  @Test
  void anUnsolicitedMacForAConfirmedNextHopIsDoubted() {
    NeighborTable t = new NeighborTable(16);
    t.shouldRequest(RS1, T0, RETRY);
    t.learn(RS1, MAC1, true, T0 + 1);
    long forged = T0 + 5 * SECOND;
    assertThat(t.learn(RS1, MAC2, false, forged)).isEqualTo(NeighborTable.Learnt.SUSPECT);
    assertThat(t.lookup(RS1)).isEqualTo(MAC1);
    t.doubt(RS1);
    assertThat(t.shouldRequest(RS1, forged, RETRY)).as("asks the owner again at once").isTrue();
    assertThat(t.awaiting(RS1, forged + 1, 3 * SECOND)).isTrue();
    assertThat(t.learn(RS1, MAC1, true, forged + 2)).isEqualTo(NeighborTable.Learnt.REFRESHED);
    // long unconfirmed, an announcement is believed (a real server replaced its NIC)
    assertThat(t.learn(RS1, MAC2, false, forged + 2 + NeighborTable.REACHABLE_NANOS))
        .isEqualTo(NeighborTable.Learnt.LEARNED);
  }

  /** A next hop of ours is asked again before its confirmation grows old, so it stays protected. */
  @Test
  void nextHopsAreReconfirmedAndStayProtected() {
    NeighborTable t = new NeighborTable(16);
    t.shouldRequest(RS1, T0, RETRY);
    t.learn(RS1, MAC1, true, T0 + 1);
    t.learn(RS2, MAC2, false, T0 + 1); // learnt from its own frame: not ours to keep confirmed
    List<Integer> asked = new ArrayList<>();
    long reconfirm = NeighborTable.RECONFIRM_NANOS;
    t.expire(T0 + reconfirm, 300 * SECOND, 3, RETRY, reconfirm, asked::add);
    assertThat(asked).as("not due yet").isEmpty();
    t.expire(T0 + 1 + reconfirm, 300 * SECOND, 3, RETRY, reconfirm, asked::add);
    assertThat(asked).containsExactly(RS1);
    t.expire(T0 + 2 + reconfirm, 300 * SECOND, 3, RETRY, reconfirm, asked::add);
    assertThat(asked).as("once per interval").containsExactly(RS1);
    long answered = T0 + 2 + reconfirm;
    assertThat(t.awaiting(RS1, answered, 3 * SECOND)).isTrue();
    assertThat(t.learn(RS1, MAC1, true, answered)).isEqualTo(NeighborTable.Learnt.REFRESHED);
    // long after the first resolution, a forged announcement is still doubted
    assertThat(t.learn(RS1, MAC2, false, answered + 20 * SECOND)).isEqualTo(NeighborTable.Learnt.SUSPECT);
  }

  /**
   * A forger who answers too: a gratuitous ARP makes the director ask, and a forged reply comes
   * in the window of that request. A recently confirmed MAC is not replaced by one answer.
   */
  @Test
  void aForgedReplyInTheWindowOfOurRequestDoesNotReplaceAConfirmedMac() {
    NeighborTable t = new NeighborTable(16);
    t.shouldRequest(RS1, T0, RETRY);
    t.learn(RS1, MAC1, true, T0 + 1);
    long forged = T0 + 5 * SECOND;
    assertThat(t.learn(RS1, MAC2, false, forged)).isEqualTo(NeighborTable.Learnt.SUSPECT);
    t.doubt(RS1);
    t.shouldRequest(RS1, forged, RETRY);
    assertThat(t.learn(RS1, MAC2, true, forged + 1)).isEqualTo(NeighborTable.Learnt.SUSPECT);
    assertThat(t.lookup(RS1)).isEqualTo(MAC1);
  }

  /** A real server first learnt from its own ARP becomes ours when a configuration names it, and is confirmed. */
  @Test
  void aNextHopLearntFromItsOwnArpIsWantedAndConfirmed() {
    NeighborTable t = new NeighborTable(16);
    t.learn(RS1, MAC1, false, T0);
    List<Integer> asked = new ArrayList<>();
    t.expire(T0 + NeighborTable.RECONFIRM_NANOS, 300 * SECOND, 3, RETRY, NeighborTable.RECONFIRM_NANOS, asked::add);
    assertThat(asked).as("nobody's next hop yet").isEmpty();
    t.want(RS1);
    t.expire(T0 + NeighborTable.RECONFIRM_NANOS + 1, 300 * SECOND, 3, RETRY, NeighborTable.RECONFIRM_NANOS,
        asked::add);
    assertThat(asked).containsExactly(RS1);
  }

  /** Senders nobody asked about fill a quarter of the table at most; next hops we resolve still fit. */
  @Test
  void unsolicitedNeighboursFillAQuarterOfTheTable() {
    NeighborTable t = new NeighborTable(16); // 32 slots
    int base = Ipv4.parse("10.0.0.1");
    int n = 0;
    while (t.learn(base + n, MAC1, false, T0) == LEARNED) {
      n++;
    }
    assertThat(n).isEqualTo(8);
    assertThat(t.shouldRequest(RS1, T0, RETRY)).isTrue();
    assertThat(t.learn(RS1, MAC2, true, T0 + 1)).isEqualTo(LEARNED);
    assertThat(t.lookup(RS1)).isEqualTo(MAC2);
  }

  @Test
  void capacityIsRoundedUpToAPowerOfTwo() {
    NeighborTable t = new NeighborTable(100); // 128 slots, 96 usable
    int n = 0;
    while (t.learn(0x0a000001 + n * 256, MAC1, true, T0) == LEARNED) {
      n++;
    }
    assertThat(n).isEqualTo(96);
  }

  /**
   * Random learn / request / expire sequences against a HashMap: every lookup agrees. Few slots
   * and many addresses make long probe chains, a full table and backward-shift deletions wrap.
   */
  @Property(tries = 300)
  void agreesWithAMapModel(
      @ForAll @Size(min = 40, max = 40) @UniqueElements List<@IntRange(min = 1) Integer> pool,
      @ForAll @Size(max = 300) List<@IntRange(min = 0, max = 9999) Integer> ops) {
    NeighborTable t = new NeighborTable(16);
    int limit = 24;
    long stale = 50;
    int maxRequests = 2;
    long retry = 10;
    Map<Integer, Long> macs = new HashMap<>(); // MAC, or NONE while resolving
    Map<Integer, Long> updated = new HashMap<>();
    Map<Integer, Long> requestedAt = new HashMap<>();
    Map<Integer, Integer> requests = new HashMap<>();
    long now = 1_000;
    long locktime = NeighborTable.LOCKTIME_NANOS;
    for (int op : ops) {
      now += (op % 7) * (locktime / 4);
      int ip = pool.get((op / 10) % pool.size());
      switch (op % 10) {
        case 0, 1, 2, 3, 4 -> {
          long mac = 1 + op % 3; // few MACs: the same one comes back often
          NeighborTable.Learnt expected;
          if (!macs.containsKey(ip)) {
            expected = macs.size() < limit ? LEARNED : FULL;
          } else if (macs.get(ip) == mac) {
            expected = NeighborTable.Learnt.REFRESHED;
          } else if (macs.get(ip) != MacAddress.NONE && now - updated.get(ip) < locktime) {
            expected = NeighborTable.Learnt.LOCKED;
          } else if (macs.get(ip) != MacAddress.NONE && now - updated.get(ip) < NeighborTable.REACHABLE_NANOS) {
            expected = NeighborTable.Learnt.SUSPECT; // every learn here is solicited: confirmed when taken
          } else {
            expected = LEARNED;
          }
          assertThat(t.learn(ip, mac, true, now)).isEqualTo(expected);
          if (expected == LEARNED || expected == NeighborTable.Learnt.REFRESHED) {
            macs.put(ip, mac);
            updated.put(ip, now);
            requests.put(ip, 0);
          }
        }
        case 5, 6, 7 -> {
          if (macs.getOrDefault(ip, MacAddress.NONE) != MacAddress.NONE) {
            break; // the engine asks only for neighbours it does not know
          }
          boolean expected;
          if (!macs.containsKey(ip)) {
            expected = macs.size() < limit;
            if (expected) {
              macs.put(ip, MacAddress.NONE);
              updated.put(ip, now);
              requests.put(ip, 0);
            }
          } else {
            expected = !(requests.get(ip) > 0 && now - requestedAt.get(ip) < retry);
          }
          assertThat(t.shouldRequest(ip, now, retry)).isEqualTo(expected);
          if (expected) {
            requestedAt.put(ip, now);
            requests.merge(ip, 1, Integer::sum);
          }
        }
        default -> {
          List<Integer> expectedRetries = new ArrayList<>();
          for (Integer k : new ArrayList<>(macs.keySet())) {
            if (macs.get(k) == MacAddress.NONE) {
              if (now - requestedAt.get(k) >= retry) {
                if (requests.get(k) >= maxRequests) {
                  macs.remove(k);
                } else {
                  requestedAt.put(k, now);
                  requests.merge(k, 1, Integer::sum);
                  expectedRetries.add(k);
                }
              }
            } else if (now - updated.get(k) > stale) {
              macs.remove(k);
            }
          }
          List<Integer> retried = new ArrayList<>();
          t.expire(now, stale, maxRequests, retry, Long.MAX_VALUE, retried::add);
          assertThat(retried).containsExactlyInAnyOrderElementsOf(expectedRetries);
        }
      }
      assertThat(t.size()).isEqualTo(macs.size());
    }
    for (int ip : pool) {
      assertThat(t.lookup(ip)).as("%s", Ipv4.format(ip)).isEqualTo(macs.getOrDefault(ip, MacAddress.NONE));
    }
    assertThat(t.entries()).extracting(NeighborTable.Entry::ip).containsExactlyInAnyOrderElementsOf(macs.keySet());
  }
}
