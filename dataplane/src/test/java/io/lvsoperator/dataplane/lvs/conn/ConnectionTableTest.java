package io.lvsoperator.dataplane.lvs.conn;

import static io.lvsoperator.dataplane.lvs.conn.ConnectionTable.NONE;
import static io.lvsoperator.dataplane.lvs.conn.ConnectionTable.TEMPLATE;
import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.dataplane.lvs.service.Destination;
import io.lvsoperator.dataplane.lvs.service.DestinationStats;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class ConnectionTableTest {
  static final int TCP = 6;
  static final int UDP = 17;
  static final int DR = 0;
  static final int NAT = 1;
  static final int CIP = Ipv4.parse("198.19.1.10");
  static final int VIP = Ipv4.parse("198.18.0.100");
  static final int RIP1 = Ipv4.parse("198.18.0.11");
  static final int RIP2 = Ipv4.parse("198.18.0.12");
  static final long SECOND = 1_000_000_000L;
  static final long T0 = 1_000 * SECOND;

  final Destination rs1 = new Destination(RIP1, 8080, 1, new DestinationStats());
  final Destination rs2 = new Destination(RIP2, 8080, 1, new DestinationStats());

  static int insertTcp(ConnectionTable t, int cport, Destination d, TcpState state, long timeout, long now) {
    return t.insert(TCP, CIP, cport, VIP, 80, d, d.port(), NAT, state, timeout, true, now);
  }

  @Test
  void insertedEntryIsFoundFromTheClientSideWithItsFields() {
    ConnectionTable t = new ConnectionTable(64);
    int c = t.insert(TCP, CIP, 40000, VIP, 80, rs1, 8080, NAT, TcpState.SYN_RECV, 60 * SECOND, true, T0);

    assertThat(t.lookupIn(TCP, CIP, 40000, VIP, 80, T0 + SECOND)).isEqualTo(c);
    assertThat(t.size()).isEqualTo(1);
    assertThat(t.capacity()).isEqualTo(64);
    assertThat(t.destination(c)).isSameAs(rs1);
    assertThat(t.method(c)).isEqualTo(NAT);
    assertThat(t.state(c)).isEqualTo(TcpState.SYN_RECV);
    assertThat(t.realPort(c)).isEqualTo(8080);
    assertThat(t.virtualIp(c)).isEqualTo(VIP);
    assertThat(t.virtualPort(c)).isEqualTo(80);
    assertThat(t.expiresAt(c)).isEqualTo(T0 + 60 * SECOND);
  }

  @Test
  void lookupInNeedsTheWholeFiveTuple() {
    ConnectionTable t = new ConnectionTable(64);
    t.insert(TCP, CIP, 40000, VIP, 80, rs1, 80, DR, TcpState.SYN_RECV, 60 * SECOND, false, T0);
    assertThat(t.lookupIn(UDP, CIP, 40000, VIP, 80, T0)).isEqualTo(NONE);
    assertThat(t.lookupIn(TCP, CIP + 1, 40000, VIP, 80, T0)).isEqualTo(NONE);
    assertThat(t.lookupIn(TCP, CIP, 40001, VIP, 80, T0)).isEqualTo(NONE);
    assertThat(t.lookupIn(TCP, CIP, 40000, VIP + 1, 80, T0)).isEqualTo(NONE);
    assertThat(t.lookupIn(TCP, CIP, 40000, VIP, 81, T0)).isEqualTo(NONE);
    assertThat(t.lookupIn(TCP, CIP, 40000, VIP, 80, T0)).isNotEqualTo(NONE);
  }

  @Test
  void portsAboveShortMaxAreKeptUnsigned() {
    ConnectionTable t = new ConnectionTable(64);
    int c = t.insert(UDP, CIP, 65535, VIP, 40000, rs1, 65534, NAT, TcpState.NONE, SECOND, true, T0);
    assertThat(t.lookupIn(UDP, CIP, 65535, VIP, 40000, T0)).isEqualTo(c);
    assertThat(t.lookupOut(UDP, RIP1, 65534, CIP, 65535, T0)).isEqualTo(c);
    assertThat(t.realPort(c)).isEqualTo(65534);
    assertThat(t.virtualPort(c)).isEqualTo(40000);
  }

  @Test
  void lookupOutFindsNatEntriesFromTheRealServersSide() {
    ConnectionTable t = new ConnectionTable(64);
    int nat = t.insert(TCP, CIP, 40000, VIP, 80, rs1, 8080, NAT, TcpState.SYN_RECV, 60 * SECOND, true, T0);
    int dr = t.insert(TCP, CIP, 40001, VIP, 80, rs2, 80, DR, TcpState.SYN_RECV, 60 * SECOND, false, T0);

    assertThat(t.lookupOut(TCP, RIP1, 8080, CIP, 40000, T0)).isEqualTo(nat);
    assertThat(t.lookupOut(TCP, RIP1, 80, CIP, 40000, T0)).as("the service port is not the real port").isEqualTo(NONE);
    assertThat(t.lookupOut(TCP, RIP1, 8080, CIP, 40001, T0)).isEqualTo(NONE);
    assertThat(t.lookupOut(UDP, RIP1, 8080, CIP, 40000, T0)).isEqualTo(NONE);
    assertThat(t.lookupOut(TCP, RIP2, 80, CIP, 40001, T0)).as("not indexed out").isEqualTo(NONE);
    assertThat(t.lookupIn(TCP, CIP, 40001, VIP, 80, T0)).isEqualTo(dr);
  }

  @Test
  void expiredEntriesAreRemovedOnLookupIn() {
    ConnectionTable t = new ConnectionTable(64);
    insertTcp(t, 40000, rs1, TcpState.SYN_RECV, 10 * SECOND, T0);
    assertThat(t.lookupIn(TCP, CIP, 40000, VIP, 80, T0 + 10 * SECOND - 1)).isNotEqualTo(NONE);
    assertThat(t.lookupIn(TCP, CIP, 40000, VIP, 80, T0 + 10 * SECOND)).isEqualTo(NONE);
    assertThat(t.size()).isZero();
    assertThat(t.expiredCount()).isEqualTo(1);
    assertThat(t.evictedCount()).isZero();
    assertThat(rs1.stats().inactiveConnections()).isZero();
    assertThat(t.lookupOut(TCP, RIP1, 8080, CIP, 40000, T0)).as("gone from both indexes").isEqualTo(NONE);
  }

  @Test
  void expiredEntriesAreRemovedOnLookupOut() {
    ConnectionTable t = new ConnectionTable(64);
    int c = insertTcp(t, 40000, rs1, TcpState.ESTABLISHED, 10 * SECOND, T0);
    assertThat(t.lookupOut(TCP, RIP1, 8080, CIP, 40000, T0 + 5 * SECOND)).isEqualTo(c);
    assertThat(t.lookupOut(TCP, RIP1, 8080, CIP, 40000, T0 + 11 * SECOND)).isEqualTo(NONE);
    assertThat(t.size()).isZero();
    assertThat(t.expiredCount()).isEqualTo(1);
    assertThat(rs1.stats().activeConnections()).isZero();
    assertThat(t.lookupIn(TCP, CIP, 40000, VIP, 80, T0)).isEqualTo(NONE);
  }

  @Test
  void expiryWorksAcrossTheNanoTimeSignChange() {
    ConnectionTable t = new ConnectionTable(16);
    long now = Long.MAX_VALUE - SECOND;
    insertTcp(t, 40000, rs1, TcpState.ESTABLISHED, 10 * SECOND, now);
    assertThat(t.lookupIn(TCP, CIP, 40000, VIP, 80, now + 5 * SECOND)).isNotEqualTo(NONE);
    assertThat(t.lookupIn(TCP, CIP, 40000, VIP, 80, now + 10 * SECOND)).isEqualTo(NONE);
  }

  @Test
  void updateRestartsTheTimer() {
    ConnectionTable t = new ConnectionTable(64);
    int c = insertTcp(t, 40000, rs1, TcpState.SYN_RECV, 10 * SECOND, T0);
    t.update(c, TcpState.ESTABLISHED, 900 * SECOND, T0 + 9 * SECOND);
    assertThat(t.state(c)).isEqualTo(TcpState.ESTABLISHED);
    assertThat(t.expiresAt(c)).isEqualTo(T0 + 909 * SECOND);
    assertThat(t.lookupIn(TCP, CIP, 40000, VIP, 80, T0 + 100 * SECOND)).isEqualTo(c);
  }

  @Test
  void sweepRemovesOnlyExpiredEntries() {
    ConnectionTable t = new ConnectionTable(32);
    for (int i = 0; i < 10; i++) {
      insertTcp(t, 40000 + i, rs1, TcpState.SYN_RECV, (i % 2 == 0 ? 5 : 50) * SECOND, T0);
    }
    assertThat(t.sweep(T0 + 4 * SECOND, 32)).isZero();
    assertThat(t.sweep(T0 + 6 * SECOND, 32)).isEqualTo(5);
    assertThat(t.size()).isEqualTo(5);
    assertThat(t.expiredCount()).isEqualTo(5);
    assertThat(rs1.stats().inactiveConnections()).isEqualTo(5);
    for (int i = 0; i < 10; i++) {
      boolean gone = t.lookupIn(TCP, CIP, 40000 + i, VIP, 80, T0 + 6 * SECOND) == NONE;
      assertThat(gone).as("port %d", 40000 + i).isEqualTo(i % 2 == 0);
    }
  }

  @Test
  void sweepIsBoundedByItsBudgetAndResumesWhereItStopped() {
    ConnectionTable t = new ConnectionTable(16);
    for (int i = 0; i < 16; i++) {
      insertTcp(t, 40000 + i, rs1, TcpState.SYN_RECV, SECOND, T0);
    }
    long later = T0 + 2 * SECOND;
    assertThat(t.sweep(later, 4)).isEqualTo(4);
    assertThat(t.size()).isEqualTo(12);
    assertThat(t.sweep(later, 4)).isEqualTo(4);
    assertThat(t.sweep(later, 100)).isEqualTo(8);
    assertThat(t.size()).isZero();
    assertThat(t.sweep(later, 100)).isZero();
    assertThat(t.expiredCount()).isEqualTo(16);
    assertThat(rs1.stats().inactiveConnections()).isZero();
  }

  /**
   * Tuples chosen to share one chain under one seed spread under another: without the secret, an
   * attacker who knows the code cannot build long chains.
   */
  @Test
  void theBucketHashDependsOnASecretSeed() {
    ConnectionTable known = new ConnectionTable(1024, 12345);
    ConnectionTable secret = new ConnectionTable(1024);
    // a colliding set for the known seed, found by brute force over client ports
    java.util.List<Integer> ports = new java.util.ArrayList<>();
    int target = -1;
    for (int p = 1; p < 65536 && ports.size() < 40; p++) {
      int b = known.bucketOf(TCP, CIP, p, VIP, 80);
      if (target == -1) {
        target = b;
      }
      if (b == target) {
        ports.add(p);
      }
    }
    assertThat(ports).hasSize(40);
    java.util.Map<Integer, Integer> chains = new java.util.HashMap<>();
    for (int p : ports) {
      chains.merge(secret.bucketOf(TCP, CIP, p, VIP, 80), 1, Integer::sum);
    }
    assertThat(java.util.Collections.max(chains.values())).as("longest chain under a random seed").isLessThan(8);
  }

  /** A full table gives up unconfirmed entries (half-open floods) before confirmed connections. */
  @Test
  void fullTableEvictsUnconfirmedEntriesFirst() {
    ConnectionTable t = new ConnectionTable(256);
    for (int i = 0; i < 50; i++) {
      int c = insertTcp(t, 30000 + i, rs1, TcpState.ESTABLISHED, 60 * SECOND, T0);
      t.confirm(c);
    }
    for (int i = 0; i < 5000; i++) {
      insertTcp(t, 1024 + i, rs2, TcpState.ESTABLISHED, 900 * SECOND, T0 + i);
    }
    assertThat(t.size()).isEqualTo(256);
    assertThat(t.unconfirmed()).isEqualTo(206);
    assertThat(t.evictedConfirmedCount()).isZero();
    for (int i = 0; i < 50; i++) {
      assertThat(t.lookupIn(TCP, CIP, 30000 + i, VIP, 80, T0 + SECOND)).isNotEqualTo(NONE);
    }
  }

  @Test
  void fullTableEvictsTheSampledEntryClosestToExpiry() {
    ConnectionTable t = new ConnectionTable(16);
    insertTcp(t, 40000, rs1, TcpState.ESTABLISHED, 100 * SECOND, T0); // closest to expiry
    for (int i = 1; i < 16; i++) {
      insertTcp(t, 40000 + i, rs2, TcpState.ESTABLISHED, 900 * SECOND, T0);
    }
    assertThat(t.size()).isEqualTo(16);

    int c = insertTcp(t, 50000, rs2, TcpState.SYN_RECV, 60 * SECOND, T0 + SECOND);

    assertThat(t.size()).isEqualTo(16);
    assertThat(t.evictedCount()).isEqualTo(1);
    assertThat(t.expiredCount()).isZero();
    assertThat(t.lookupIn(TCP, CIP, 50000, VIP, 80, T0 + SECOND)).isEqualTo(c);
    assertThat(t.lookupIn(TCP, CIP, 40000, VIP, 80, T0 + SECOND)).isEqualTo(NONE);
    assertThat(rs1.stats().activeConnections()).isZero();
    assertThat(rs2.stats().activeConnections()).isEqualTo(15);
    assertThat(rs2.stats().inactiveConnections()).isEqualTo(1);
  }

  @Test
  void evictingAnAlreadyExpiredEntryCountsAsExpiry() {
    ConnectionTable t = new ConnectionTable(16);
    for (int i = 0; i < 16; i++) {
      insertTcp(t, 40000 + i, rs1, TcpState.SYN_RECV, (i == 0 ? 1 : 60) * SECOND, T0);
    }
    insertTcp(t, 50000, rs1, TcpState.SYN_RECV, 60 * SECOND, T0 + 2 * SECOND);
    assertThat(t.size()).isEqualTo(16);
    assertThat(t.expiredCount()).isEqualTo(1);
    assertThat(t.evictedCount()).isZero();
  }

  @Test
  void underPressureTheSizeStaysAtCapacityAndEveryEvictionIsCounted() {
    ConnectionTable t = new ConnectionTable(16);
    int n = 500;
    for (int i = 0; i < n; i++) {
      insertTcp(t, 1000 + i, i % 2 == 0 ? rs1 : rs2, TcpState.ESTABLISHED, 900 * SECOND, T0 + i);
      assertThat(t.size()).isEqualTo(Math.min(i + 1, 16));
    }
    assertThat(t.evictedCount()).isEqualTo(n - 16);
    int found = 0;
    for (int i = 0; i < n; i++) {
      if (t.lookupIn(TCP, CIP, 1000 + i, VIP, 80, T0 + n) != NONE) {
        found++;
      }
    }
    assertThat(found).isEqualTo(16);
    assertThat(rs1.stats().activeConnections() + rs2.stats().activeConnections()).isEqualTo(16);
    assertThat(rs1.stats().totalConnections() + rs2.stats().totalConnections()).isEqualTo(n);
  }

  @Test
  void activeAndInactiveCountsFollowTheState() {
    ConnectionTable t = new ConnectionTable(64);
    DestinationStats s = rs1.stats();
    int c = insertTcp(t, 40000, rs1, TcpState.SYN_RECV, 60 * SECOND, T0);
    assertCounts(s, 0, 1, 1);

    t.update(c, TcpState.SYN_RECV, 60 * SECOND, T0);
    assertCounts(s, 0, 1, 1);
    t.update(c, TcpState.ESTABLISHED, 900 * SECOND, T0);
    assertCounts(s, 1, 0, 1);
    t.update(c, TcpState.ESTABLISHED, 900 * SECOND, T0);
    assertCounts(s, 1, 0, 1);
    t.update(c, TcpState.FIN_WAIT, 120 * SECOND, T0);
    assertCounts(s, 0, 1, 1);
    t.update(c, TcpState.ESTABLISHED, 900 * SECOND, T0);
    assertCounts(s, 1, 0, 1);

    int d = insertTcp(t, 40001, rs1, TcpState.ESTABLISHED, 900 * SECOND, T0);
    assertCounts(s, 2, 0, 2);
    t.remove(c);
    assertCounts(s, 1, 0, 2);
    t.update(d, TcpState.CLOSE, 10 * SECOND, T0);
    assertCounts(s, 0, 1, 2);
    t.remove(d);
    assertCounts(s, 0, 0, 2);
    assertThat(t.size()).isZero();
  }

  @Test
  void templatesDoNotCountAsConnections() {
    ConnectionTable t = new ConnectionTable(64);
    DestinationStats s = rs1.stats();
    int tpl = t.insert(TEMPLATE, CIP, 0, VIP, 80, rs1, 8080, DR, TcpState.NONE, 300 * SECOND, false, T0);
    assertCounts(s, 0, 0, 0);
    assertThat(t.size()).isEqualTo(1);
    assertThat(t.lookupIn(TEMPLATE, CIP, 0, VIP, 80, T0)).isEqualTo(tpl);
    assertThat(t.lookupIn(TCP, CIP, 0, VIP, 80, T0)).as("a template is not a TCP flow").isEqualTo(NONE);

    t.update(tpl, TcpState.ESTABLISHED, 300 * SECOND, T0);
    assertCounts(s, 0, 0, 0);
    t.update(tpl, TcpState.NONE, 300 * SECOND, T0);
    t.remove(tpl);
    assertCounts(s, 0, 0, 0);
    assertThat(t.size()).isZero();

    t.insert(TEMPLATE, CIP, 0, VIP, 80, rs1, 8080, DR, TcpState.NONE, SECOND, false, T0);
    assertThat(t.lookupIn(TEMPLATE, CIP, 0, VIP, 80, T0 + SECOND)).isEqualTo(NONE);
    assertCounts(s, 0, 0, 0);
    assertThat(t.expiredCount()).isEqualTo(1);
  }

  /** As ipvsadm shows them: a UDP flow never reaches ESTABLISHED, so it counts as inactive. */
  @Test
  void udpFlowsCountAsInactive() {
    ConnectionTable t = new ConnectionTable(64);
    int c = t.insert(UDP, CIP, 5000, VIP, 53, rs1, 53, DR, TcpState.NONE, 300 * SECOND, false, T0);
    assertCounts(rs1.stats(), 0, 1, 1);
    t.update(c, TcpState.NONE, 300 * SECOND, T0 + SECOND);
    assertCounts(rs1.stats(), 0, 1, 1);
  }

  @Test
  void removeKeepsTheOtherEntriesOfABucketChainFindable() {
    // one client port range on a tiny table: many entries share bucket chains
    ConnectionTable t = new ConnectionTable(16);
    int[] idx = new int[16];
    for (int i = 0; i < 16; i++) {
      idx[i] = insertTcp(t, 30000 + i, rs1, TcpState.ESTABLISHED, 900 * SECOND, T0);
    }
    for (int i = 0; i < 16; i += 3) {
      t.remove(idx[i]);
    }
    for (int i = 0; i < 16; i++) {
      boolean removed = i % 3 == 0;
      assertThat(t.lookupIn(TCP, CIP, 30000 + i, VIP, 80, T0) == NONE).as("in %d", i).isEqualTo(removed);
      assertThat(t.lookupOut(TCP, RIP1, 8080, CIP, 30000 + i, T0) == NONE).as("out %d", i).isEqualTo(removed);
    }
    assertThat(t.size()).isEqualTo(10);
    assertThat(rs1.stats().activeConnections()).isEqualTo(10);
    // freed slots are reused without eviction
    for (int i = 0; i < 6; i++) {
      insertTcp(t, 31000 + i, rs1, TcpState.ESTABLISHED, 900 * SECOND, T0);
    }
    assertThat(t.size()).isEqualTo(16);
    assertThat(t.evictedCount()).isZero();
  }

  /** Random inserts and removes against a set of live tuples: both indexes always agree with it. */
  @Property(tries = 200)
  void indexesAgreeWithAModel(
      @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 63) Integer> ops) {
    ConnectionTable t = new ConnectionTable(64);
    Destination a = new Destination(RIP1, 5300, 1, new DestinationStats());
    Destination b = new Destination(RIP2, 5300, 1, new DestinationStats());
    Destination[] dests = {a, b};
    List<Integer> liveIdx = new ArrayList<>();
    List<Integer> livePort = new ArrayList<>();
    Set<Integer> live = new HashSet<>();
    for (int op : ops) {
      int port = 1000 + op;
      if (live.contains(port)) {
        int k = livePort.indexOf(port);
        t.remove(liveIdx.get(k));
        liveIdx.remove(k);
        livePort.remove(k);
        live.remove(port);
      } else {
        Destination d = dests[op & 1];
        liveIdx.add(t.insert(UDP, CIP, port, VIP, 53, d, 5300, NAT, TcpState.ESTABLISHED, 300 * SECOND, true, T0));
        livePort.add(port);
        live.add(port);
      }
      assertThat(t.size()).isEqualTo(live.size());
    }
    for (int p = 1000; p < 1064; p++) {
      int in = t.lookupIn(UDP, CIP, p, VIP, 53, T0);
      Destination d = dests[(p - 1000) & 1];
      int out = t.lookupOut(UDP, d.address(), 5300, CIP, p, T0);
      assertThat(in != NONE).as("in %d", p).isEqualTo(live.contains(p));
      assertThat(out).as("out %d", p).isEqualTo(in);
      if (in != NONE) {
        assertThat(t.destination(in)).isSameAs(d);
      }
    }
    assertThat(a.stats().activeConnections() + b.stats().activeConnections()).isEqualTo(live.size());
    assertThat(t.evictedCount()).isZero();
  }

  private static void assertCounts(DestinationStats s, int active, int inactive, long total) {
    assertThat(s.activeConnections()).as("active").isEqualTo(active);
    assertThat(s.inactiveConnections()).as("inactive").isEqualTo(inactive);
    assertThat(s.totalConnections()).as("total").isEqualTo(total);
  }
}
