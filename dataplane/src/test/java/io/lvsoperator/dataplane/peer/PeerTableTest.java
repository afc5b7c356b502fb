package io.lvsoperator.dataplane.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.dataplane.codec.Ethernet;
import io.lvsoperator.dataplane.codec.Ipv4Header;
import io.lvsoperator.dataplane.codec.Vrrp;
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

  final Candidacy self = new Candidacy(0, DEAD, 2_000 * MS);
  final PeerTable table = new PeerTable("node-a", self, DEAD);

  PeerTableTest() {
    table.configure(List.of(new PeerTable.Peer("node-a", 1, A), new PeerTable.Peer("node-b", 2, B)));
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
    table.at(0);
    assertThat(table.alive("node-b")).as("never heard").isFalse();
    assertThat(receive(advertisement(B, 2, Candidacy.CLAIMING, 255), 1_000 * MS)).isTrue();
    table.at(1_000 * MS + DEAD);
    assertThat(table.priority("node-b")).isEqualTo(Candidacy.CLAIMING);
    table.at(1_000 * MS + DEAD + 1);
    assertThat(table.alive("node-b")).isFalse();
  }

  @Test
  void aPeerSayingItStopsIsDeadAtOnce() {
    receive(advertisement(B, 2, Candidacy.CLAIMING, 255), 0);
    receive(advertisement(B, 2, Vrrp.PRIORITY_STOPPING, 255), 100 * MS);
    table.at(100 * MS);
    assertThat(table.alive("node-b")).isFalse();
  }

  @Test
  void onlyTheNamedPeersFromTheirAddressWithTtl255AndIntactAreHeard() {
    assertThat(receive(advertisement(Ipv4.parse("198.18.0.9"), 2, 100, 255), 0)).as("not node-b's address").isFalse();
    assertThat(receive(advertisement(B, 3, 100, 255), 0)).as("no such router ID").isFalse();
    assertThat(receive(advertisement(B, 2, 100, 254), 0)).as("routed: not from the link").isFalse();
    byte[] broken = advertisement(B, 2, 100, 255);
    broken[L4 + 2] ^= 0x10;
    assertThat(receive(broken, 0)).isFalse();
    assertThat(receive(advertisement(A, 1, 100, 255), 0)).as("our own, looped back").isFalse();
    assertThat(table.unknownSender).isEqualTo(3);
    assertThat(table.badTtl).isEqualTo(1);
    assertThat(table.malformed).isEqualTo(1);
    assertThat(table.accepted).isZero();
    table.at(0);
    assertThat(table.alive("node-b")).isFalse();
  }

  @Test
  void itsOwnPriorityIsItsCandidacys() {
    table.at(0);
    assertThat(table.priority("node-a")).isEqualTo(Candidacy.WARMING_UP);
    table.at(DEAD);
    assertThat(table.priority("node-a")).isEqualTo(Candidacy.READY);
    table.at(2_000 * MS);
    assertThat(table.priority("node-a")).isEqualTo(Candidacy.CLAIMING);
    self.stop();
    assertThat(table.priority("node-a")).isEqualTo(Candidacy.STOPPING);
  }

  @Test
  void aNewConfigurationKeepsWhatWasHeardOfPeersThatStayed() {
    receive(advertisement(B, 2, 100, 255), 0);
    table.configure(List.of(new PeerTable.Peer("node-b", 2, B), new PeerTable.Peer("node-c", 3, Ipv4.parse("198.18.0.4"))));
    table.at(MS);
    assertThat(table.alive("node-b")).isTrue();
    table.configure(List.of(new PeerTable.Peer("node-b", 2, Ipv4.parse("198.18.0.5"))));
    assertThat(table.alive("node-b")).as("another address: another director").isFalse();
  }
}
