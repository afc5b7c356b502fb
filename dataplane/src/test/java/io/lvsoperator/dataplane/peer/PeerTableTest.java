package io.lvsoperator.dataplane.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.dataplane.codec.Ethernet;
import io.lvsoperator.dataplane.codec.Ipv4Header;
import io.lvsoperator.dataplane.codec.Vrrp;
import io.lvsoperator.dataplane.stats.Counter;
import io.lvsoperator.dataplane.stats.DropReason;
import io.lvsoperator.dataplane.stats.EngineCounters;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Liveness from advertisements: who is heard, for how long, and what is refused. */
class PeerTableTest {
  static final long MS = 1_000_000L;
  static final long DEAD = 300 * MS;
  static final int A = Ipv4.parse("198.18.0.2");
  static final int B = Ipv4.parse("198.18.0.3");
  static final int L3 = Ethernet.HEADER_LENGTH;
  static final int L4 = L3 + Ipv4Header.MIN_LENGTH;

  final EngineCounters counters = new EngineCounters();
  final PeerTable table = new PeerTable(counters);

  PeerTableTest() {
    table.configure(List.of(new PeerTable.Peer("node-b", 2, B)), DEAD);
  }

  static byte[] advertisement(int src, int routerId, int priority, int ttl) {
    byte[] f = new byte[L4 + Vrrp.length(1)];
    Ethernet.write(f, Vrrp.GROUP_MAC, 0x020000000003L, Ethernet.TYPE_IPV4);
    Ipv4Header.write(f, L3, 0xc0, Ipv4Header.MIN_LENGTH + Vrrp.length(1), 0, 0, ttl, Vrrp.IP_PROTOCOL, src, Vrrp.GROUP);
    Vrrp.write(f, L4, routerId, priority, 10, new int[] {src}, 1, src, Vrrp.GROUP);
    return f;
  }

  boolean receive(byte[] f, long at) {
    return table.received(f, L3, L4, Vrrp.length(1), at);
  }

  @Test
  void aPeerIsAliveForOneDeadIntervalAfterItsLastAdvertisement() {
    assertThat(table.priority(2, 0)).as("never heard").isEqualTo(-1);
    assertThat(receive(advertisement(B, 2, Candidacy.CLAIMING, 255), 1_000 * MS)).isTrue();
    assertThat(table.priority(2, 1_000 * MS + DEAD)).isEqualTo(Candidacy.CLAIMING);
    assertThat(table.priority(2, 1_000 * MS + DEAD + 1)).isEqualTo(-1);
    assertThat(counters.get(Counter.VRRP_ADVERTISEMENTS_RECEIVED)).isEqualTo(1);
  }

  @Test
  void aPeerSayingItStopsIsDeadAtOnce() {
    receive(advertisement(B, 2, Candidacy.CLAIMING, 255), 0);
    receive(advertisement(B, 2, Vrrp.PRIORITY_STOPPING, 255), 100 * MS);
    assertThat(table.priority(2, 100 * MS)).isEqualTo(-1);
  }

  @Test
  void onlyTheNamedPeersFromTheirAddressWithTtl255AndIntactAreHeard() {
    assertThat(receive(advertisement(Ipv4.parse("198.18.0.9"), 2, 100, 255), 0)).as("not node-b's address").isFalse();
    assertThat(receive(advertisement(B, 3, 100, 255), 0)).as("no such router ID").isFalse();
    assertThat(receive(advertisement(B, 2, 100, 254), 0)).as("routed: not from the link").isFalse();
    byte[] broken = advertisement(B, 2, 100, 255);
    broken[L4 + 2] ^= 0x10;
    assertThat(receive(broken, 0)).isFalse();
    assertThat(receive(advertisement(A, 1, 100, 255), 0)).as("ours: we are no peer of our own").isFalse();
    assertThat(counters.drops(DropReason.VRRP_UNKNOWN_SENDER)).isEqualTo(3);
    assertThat(counters.drops(DropReason.VRRP_BAD_TTL)).isEqualTo(1);
    assertThat(counters.drops(DropReason.VRRP_MALFORMED)).isEqualTo(1);
    assertThat(counters.get(Counter.VRRP_ADVERTISEMENTS_RECEIVED)).isZero();
    assertThat(table.priority(2, 0)).isEqualTo(-1);
  }

  @Test
  void aNewConfigurationKeepsWhatWasHeardOfPeersThatStayed() {
    receive(advertisement(B, 2, 100, 255), 0);
    table.configure(List.of(new PeerTable.Peer("node-b", 2, B), new PeerTable.Peer("node-c", 3, Ipv4.parse("198.18.0.4"))),
        DEAD);
    assertThat(table.priority(2, MS)).isEqualTo(100);
    table.configure(List.of(new PeerTable.Peer("node-b", 2, Ipv4.parse("198.18.0.5"))), DEAD);
    assertThat(table.priority(2, MS)).as("another address: another director").isEqualTo(-1);
  }
}
