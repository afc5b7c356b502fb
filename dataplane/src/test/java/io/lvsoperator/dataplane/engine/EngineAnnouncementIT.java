package io.lvsoperator.dataplane.engine;

import static io.lvsoperator.dataplane.testsupport.Frames.arp;
import static io.lvsoperator.dataplane.testsupport.Frames.ip;
import static io.lvsoperator.dataplane.testsupport.Frames.mac;
import static io.lvsoperator.dataplane.testsupport.Frames.tcp;
import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.v1alpha1.DirectorSpecReader;
import io.lvsoperator.dataplane.codec.Arp;
import io.lvsoperator.dataplane.codec.Ethernet;
import io.lvsoperator.dataplane.codec.Ipv4Header;
import io.lvsoperator.dataplane.codec.MacAddress;
import io.lvsoperator.dataplane.codec.Transport;
import io.lvsoperator.dataplane.codec.Vrrp;
import io.lvsoperator.dataplane.control.ConfigCompiler;
import io.lvsoperator.dataplane.control.ForwardingTable;
import io.lvsoperator.dataplane.control.StatsRegistry;
import io.lvsoperator.dataplane.io.InterfaceInfo;
import io.lvsoperator.dataplane.io.MemoryPacketPort;
import io.lvsoperator.dataplane.peer.Candidacy;
import io.lvsoperator.dataplane.stats.Counter;
import io.lvsoperator.dataplane.stats.DropReason;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Failover through the whole engine, in memory (docs/architecture.md, "Director liveness"): this
 * director (a) and a simulated peer (b) whose advertisements are fed in; what a answers ARP for,
 * the gratuitous ARP it sends on a takeover, the advertisements it sends, and that it forwards
 * for an address it does not announce.
 */
class EngineAnnouncementIT {
  static final long OUR = mac("02:00:00:00:00:01");
  static final long PEER = mac("02:00:00:00:00:02");
  static final long CLIENT = mac("02:00:00:00:00:fe");
  static final long RS = mac("02:00:00:00:00:11");
  static final long ROUTER = mac("02:00:00:00:00:fd");
  static final String VIP_A = "198.18.0.100";
  static final String VIP_B = "198.18.0.101";
  static final long MS = 1_000_000L;

  static final String CONFIG = """
      generation: 1
      interface: eth0
      addresses: [198.18.0.2/24]
      routes: [{prefix: 0.0.0.0/0, via: 198.18.0.1}]
      services:
        - {name: default/a, vip: 198.18.0.100, port: 80, mode: DR, scheduler: mh, realServers: [{address: 198.18.0.11}]}
        - {name: default/b, vip: 198.18.0.101, port: 80, mode: DR, scheduler: mh, realServers: [{address: 198.18.0.11}]}
        - {name: default/rr, vip: 198.18.0.101, port: 81, mode: DR, scheduler: rr, realServers: [{address: 198.18.0.11}]}
        - {name: default/nat, vip: 198.18.0.101, port: 8080, mode: NAT, scheduler: mh,
           realServers: [{address: 198.18.0.11, port: 80}]}
        - {name: default/natrr, vip: 198.18.0.101, port: 8081, mode: NAT, scheduler: rr,
           realServers: [{address: 198.18.0.11, port: 81}]}
      failover:
        node: a
        advertisementIntervalMillis: 100
        holdSeconds: 2
        peers: [{name: a, address: 198.18.0.2, routerId: 1}, {name: b, address: 198.18.0.3, routerId: 2}]
        announce:
          - {address: 198.18.0.100, directors: [a, b]}
          - {address: 198.18.0.101, directors: [b, a]}
      """;

  final AtomicLong clock = new AtomicLong(1_000 * MS);
  final MemoryPacketPort port = new MemoryPacketPort();
  final AtomicReference<ForwardingTable> tables = new AtomicReference<>();
  final List<byte[]> sent = new ArrayList<>();
  Engine engine;

  @BeforeEach
  void start() throws Exception {
    engine = new Engine(port, tables, 1024, clock::get);
    ConfigCompiler compiler = new ConfigCompiler(new StatsRegistry());
    tables.set(compiler.compile(DirectorSpecReader.parse(CONFIG),
        new InterfaceInfo("eth0", OUR, 1500, List.of())));
    compiler.committed();
    engine.tick();
    port.offer(arp(OUR, RS, Arp.OP_REPLY, RS, "198.18.0.11", OUR, "198.18.0.2"));
    port.offer(arp(OUR, ROUTER, Arp.OP_REPLY, ROUTER, "198.18.0.1", OUR, "198.18.0.2"));
    port.poll(engine, 10);
  }

  static byte[] advertisement(int priority) {
    int l3 = Ethernet.HEADER_LENGTH;
    byte[] f = new byte[l3 + Ipv4Header.MIN_LENGTH + Vrrp.length(1)];
    Ethernet.write(f, Vrrp.GROUP_MAC, PEER, Ethernet.TYPE_IPV4);
    Ipv4Header.write(f, l3, 0xc0, Ipv4Header.MIN_LENGTH + Vrrp.length(1), 0, 0, Vrrp.TTL, Vrrp.IP_PROTOCOL,
        ip("198.18.0.3"), Vrrp.GROUP);
    Vrrp.write(f, l3 + Ipv4Header.MIN_LENGTH, 2, priority, 10, new int[] {ip("198.18.0.3")}, 1, ip("198.18.0.3"),
        Vrrp.GROUP);
    return f;
  }

  /** Runs {@code ms} of engine ticks (every 50 ms), the peer advertising {@code peerPriority} (-1: silent). */
  void run(long ms, int peerPriority) {
    for (long t = 0; t < ms; t += 50) {
      clock.addAndGet(50 * MS);
      if (peerPriority >= 0 && t % 100 == 0) {
        port.offer(advertisement(peerPriority));
        port.poll(engine, 10);
      }
      engine.tick();
      sent.addAll(port.drainSent());
    }
  }

  boolean answers(String vip) {
    port.drainSent();
    port.offer(arp(MacAddress.BROADCAST, CLIENT, Arp.OP_REQUEST, CLIENT, "198.18.0.50", MacAddress.NONE, vip));
    port.poll(engine, 10);
    return port.drainSent().stream().anyMatch(f -> Ethernet.etherType(f) == Ethernet.TYPE_ARP
        && Arp.operation(f) == Arp.OP_REPLY && Arp.senderIp(f) == ip(vip));
  }

  /** Gratuitous ARP sent since the last call, by address. */
  List<Integer> gratuitous() {
    List<Integer> out = sent.stream().filter(f -> Ethernet.etherType(f) == Ethernet.TYPE_ARP
        && Arp.senderIp(f) == Arp.targetIp(f)).map(Arp::senderIp).toList();
    sent.clear();
    return out;
  }

  List<Integer> advertisedPriorities() {
    return sent.stream().filter(f -> Ethernet.destination(f) == Vrrp.GROUP_MAC)
        .map(f -> Vrrp.priority(f, Ethernet.HEADER_LENGTH + Ipv4Header.MIN_LENGTH)).toList();
  }

  @Test
  void itAnswersForWhatItOwnsOnlyAndTakesOverWhenItsPeerFallsSilent() {
    run(100, 100);
    assertThat(advertisedPriorities()).as("warming up").containsOnly(Candidacy.WARMING_UP).isNotEmpty();
    assertThat(answers(VIP_A)).as("it listens before it announces").isFalse();
    run(1_100, 100);
    assertThat(answers(VIP_A)).as("b claims it; a is within its hold time").isFalse();
    gratuitous();
    run(1_000, 100);
    assertThat(answers(VIP_A)).as("its hold time passed: first in the order").isTrue();
    assertThat(answers(VIP_B)).isFalse();
    assertThat(advertisedPriorities()).contains(Candidacy.READY, Candidacy.CLAIMING);
    assertThat(gratuitous()).contains(ip(VIP_A)).doesNotContain(ip(VIP_B));

    // it forwards for the address it does not announce (a client whose cache still points here)
    port.drainSent();
    port.offer(tcp(OUR, CLIENT, "198.19.0.9", 40000, VIP_B, 80, Transport.TCP_SYN, 0));
    port.poll(engine, 10);
    assertThat(port.drainSent()).hasSize(1);
    assertThat(engine.counters().get(Counter.FORWARDED_DR)).isEqualTo(1);

    run(400, -1);
    assertThat(answers(VIP_B)).as("b silent for a dead interval").isTrue();
    assertThat(gratuitous()).contains(ip(VIP_B));
    assertThat(engine.counters().get(Counter.ANNOUNCEMENT_CHANGES)).isEqualTo(2);

    run(100, 100);
    assertThat(answers(VIP_B)).as("b is back and claiming: first in that order").isFalse();
    assertThat(answers(VIP_A)).isTrue();
  }

  /**
   * A connection of a director that failed reaches this one in mid-flow: with a hash scheduler it
   * goes to the real server every director picks, and is adopted (IPVS's sloppy_tcp); with rr
   * this director cannot know where it went, and drops it.
   */
  @Test
  void aFlowWithoutAnEntryIsAdoptedOnlyWhenItsServiceSchedulesByHash() {
    run(400, -1);
    port.drainSent();
    port.offer(tcp(OUR, CLIENT, "198.19.0.9", 40000, VIP_B, 80, Transport.TCP_ACK, 100));
    port.offer(tcp(OUR, CLIENT, "198.19.0.9", 40000, VIP_B, 80, Transport.TCP_ACK, 0));
    port.offer(tcp(OUR, CLIENT, "198.19.0.9", 40001, VIP_B, 81, Transport.TCP_ACK, 100));
    port.offer(tcp(OUR, CLIENT, "198.19.0.9", 40002, VIP_B, 80, Transport.TCP_RST, 0));
    port.poll(engine, 10);
    List<byte[]> out = port.drainSent();
    assertThat(out).hasSize(2).allMatch(f -> Ethernet.destination(f) == RS);
    assertThat(engine.counters().get(Counter.CONNECTIONS_ADOPTED)).isEqualTo(1);
    assertThat(engine.counters().get(Counter.CONNECTIONS_CREATED)).isZero();
    assertThat(engine.counters().drops(DropReason.NO_CONNECTION)).isEqualTo(2);
  }

  /**
   * The other half of a NAT connection this director has no entry for: the real server's reply
   * (its client may wait for it before sending again) is adopted when one hash-scheduled service
   * explains it, and translated back to the VIP; with rr it stays a drop.
   */
  @Test
  void aNatReplyWithoutAnEntryIsAdoptedOnlyWhenItsServiceSchedulesByHash() {
    run(400, -1);
    port.drainSent();
    port.offer(tcp(OUR, RS, "198.18.0.11", 80, "198.19.0.9", 40000, Transport.TCP_ACK, 4));
    port.offer(tcp(OUR, RS, "198.18.0.11", 81, "198.19.0.9", 40001, Transport.TCP_ACK, 4));
    port.offer(tcp(OUR, RS, "198.18.0.11", 80, "198.19.0.9", 40002, Transport.TCP_RST | Transport.TCP_ACK, 0));
    port.poll(engine, 10);
    List<byte[]> out = port.drainSent();
    assertThat(out).singleElement().satisfies(f -> {
      assertThat(Ethernet.destination(f)).isEqualTo(ROUTER);
      assertThat(Ipv4Header.source(f, Ethernet.HEADER_LENGTH)).isEqualTo(ip(VIP_B));
      assertThat(Transport.sourcePort(f, Ethernet.HEADER_LENGTH + Ipv4Header.MIN_LENGTH)).isEqualTo(8080);
    });
    assertThat(engine.counters().get(Counter.CONNECTIONS_ADOPTED)).isEqualTo(1);
    assertThat(engine.counters().drops(DropReason.NO_CONNECTION)).isEqualTo(2);
    // the client's next packet finds the adopted entry: it is forwarded, not adopted again
    port.offer(tcp(OUR, CLIENT, "198.19.0.9", 40000, VIP_B, 8080, Transport.TCP_ACK, 4));
    port.poll(engine, 10);
    assertThat(port.drainSent()).singleElement()
        .satisfies(f -> assertThat(Ethernet.destination(f)).isEqualTo(RS));
    assertThat(engine.counters().get(Counter.CONNECTIONS_ADOPTED)).isEqualTo(1);
  }

  @Test
  void onAResignationItSaysSoAndAnswersNothing() {
    run(2_500, 100);
    assertThat(answers(VIP_A)).isTrue();
    engine.resign();
    sent.clear();
    run(50, 100);
    assertThat(advertisedPriorities()).containsExactly(Vrrp.PRIORITY_STOPPING);
    assertThat(answers(VIP_A)).isFalse();
  }

  @Test
  void withItsLinkDownItAnnouncesNothing() {
    run(2_500, 100);
    port.linkUp(false);
    run(50, -1);
    assertThat(answers(VIP_A)).isFalse();
  }

  @Test
  void advertisementsFromStrangersAreCountedAndChangeNothing() {
    byte[] forged = advertisement(100);
    Ipv4Header.write(forged, Ethernet.HEADER_LENGTH, 0xc0, Ipv4Header.MIN_LENGTH + Vrrp.length(1), 0, 0, 64,
        Vrrp.IP_PROTOCOL, ip("198.18.0.3"), Vrrp.GROUP);
    port.offer(forged);
    byte[] corrupt = advertisement(100);
    corrupt[corrupt.length - 1] ^= 1;
    port.offer(corrupt);
    byte[] ours = advertisement(100);
    Ethernet.write(ours, Vrrp.GROUP_MAC, OUR, Ethernet.TYPE_IPV4);
    port.offer(ours);
    port.poll(engine, 10);
    assertThat(engine.counters().drops(DropReason.VRRP_BAD_TTL)).isEqualTo(1);
    assertThat(engine.counters().drops(DropReason.VRRP_MALFORMED)).isEqualTo(1);
    assertThat(engine.counters().get(Counter.VRRP_ADVERTISEMENTS_RECEIVED)).isZero();
    run(1_100, -1);
    assertThat(answers(VIP_A)).as("nobody else heard: it announces both").isTrue();
    assertThat(answers(VIP_B)).isTrue();
  }
}
