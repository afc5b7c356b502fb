package io.lvsoperator.dataplane.engine;

import static io.lvsoperator.dataplane.testsupport.Frames.arp;
import static io.lvsoperator.dataplane.testsupport.Frames.ip;
import static io.lvsoperator.dataplane.testsupport.Frames.mac;
import static io.lvsoperator.dataplane.testsupport.Frames.tcp;
import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.v1alpha1.DirectorSpecReader;
import io.lvsoperator.dataplane.codec.Arp;
import io.lvsoperator.dataplane.codec.Bytes;
import io.lvsoperator.dataplane.codec.Ethernet;
import io.lvsoperator.dataplane.codec.IpvsSync;
import io.lvsoperator.dataplane.codec.Ipv4Header;
import io.lvsoperator.dataplane.codec.Transport;
import io.lvsoperator.dataplane.codec.Vrrp;
import io.lvsoperator.dataplane.control.ConfigCompiler;
import io.lvsoperator.dataplane.control.ForwardingTable;
import io.lvsoperator.dataplane.control.StatsRegistry;
import io.lvsoperator.dataplane.io.InterfaceInfo;
import io.lvsoperator.dataplane.io.MemoryPacketPort;
import io.lvsoperator.dataplane.stats.Counter;
import io.lvsoperator.dataplane.stats.DropReason;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Connection sync through two whole engines, in memory (docs/architecture.md, "Connection
 * sync"): what director a forwards reaches director b as IPVS sync messages, and b then carries
 * those flows on, whatever their scheduler: here round robin over two real servers, which no
 * director can recompute (without the sync, b drops the flow, as {@link EngineAnnouncementIT}
 * shows).
 */
class EngineConnectionSyncIT {
  static final long CLIENT = mac("02:00:00:00:00:fe");
  static final long RS1 = mac("02:00:00:00:00:11");
  static final long RS2 = mac("02:00:00:00:00:12");
  static final long ROUTER = mac("02:00:00:00:00:fd");
  static final String VIP = "198.18.0.100";
  static final long MS = 1_000_000L;

  static String config(String node) {
    return """
        generation: 1
        interface: eth0
        addresses: [%s/24]
        routes: [{prefix: 0.0.0.0/0, via: 198.18.0.1}]
        services:
          - {name: default/nat, vip: 198.18.0.100, port: 8080, mode: NAT, scheduler: rr, persistenceSeconds: 300,
             realServers: [{address: 198.18.0.11, port: 80}, {address: 198.18.0.12, port: 80}]}
          - {name: default/dr, vip: 198.18.0.100, port: 80, mode: DR, scheduler: rr,
             realServers: [{address: 198.18.0.11}, {address: 198.18.0.12}]}
          - {name: default/fullnat, vip: 198.18.0.100, port: 443, mode: FULLNAT, scheduler: rr,
             realServers: [{address: 198.18.0.11, port: 8443}, {address: 198.18.0.12, port: 8443}]}
          - {name: default/fullnat-mh, vip: 198.18.0.100, port: 444, mode: FULLNAT, scheduler: mh,
             realServers: [{address: 198.18.0.11, port: 8444}, {address: 198.18.0.12, port: 8444}]}
          - {name: default/fullnat-node, vip: 198.18.0.100, port: 445, mode: FULLNAT, fullNatSource: NODE,
             scheduler: mh, realServers: [{address: 198.18.0.11, port: 8445}, {address: 198.18.0.12, port: 8445}]}
        failover:
          node: %s
          peers: [{name: a, address: 198.18.0.2, routerId: 1}, {name: b, address: 198.18.0.3, routerId: 2}]
          announce:
            - {address: 198.18.0.100, directors: [a, b]}
        """.formatted(node.equals("a") ? "198.18.0.2" : "198.18.0.3", node);
  }

  /** One director: its engine, its port, the MAC and address it runs with. */
  final class Director {
    final long mac;
    final MemoryPacketPort port = new MemoryPacketPort();
    final AtomicReference<ForwardingTable> tables = new AtomicReference<>();
    final Engine engine;

    Director(String node, long mac, String address) throws Exception {
      this.mac = mac;
      engine = new Engine(port, tables, 1024, clock::get);
      ConfigCompiler compiler = new ConfigCompiler(new StatsRegistry());
      tables.set(compiler.compile(DirectorSpecReader.parse(config(node)),
          new InterfaceInfo("eth0", mac, 1500, List.of())));
      compiler.committed();
      engine.tick();
      port.offer(arp(mac, RS1, Arp.OP_REPLY, RS1, "198.18.0.11", mac, address));
      port.offer(arp(mac, RS2, Arp.OP_REPLY, RS2, "198.18.0.12", mac, address));
      port.offer(arp(mac, ROUTER, Arp.OP_REPLY, ROUTER, "198.18.0.1", mac, address));
      port.poll(engine, 10);
      port.drainSent();
    }

    List<byte[]> send(byte[]... frames) {
      for (byte[] f : frames) {
        port.offer(f);
      }
      port.poll(engine, frames.length);
      return port.drainSent();
    }

    long count(Counter c) {
      return engine.counters().get(c);
    }
  }

  final AtomicLong clock = new AtomicLong(1_000 * MS);

  /** Ticks every director for {@code ms}; the sync messages and advertisements each sent. */
  List<byte[]> run(long ms, Director... directors) {
    List<byte[]> out = new ArrayList<>();
    for (long t = 0; t < ms; t += 50) {
      clock.addAndGet(50 * MS);
      for (Director d : directors) {
        d.engine.tick();
        out.addAll(d.port.drainSent());
      }
    }
    return out;
  }

  static List<byte[]> syncMessages(List<byte[]> frames) {
    return frames.stream().filter(f -> Ethernet.destination(f) == IpvsSync.GROUP_MAC).toList();
  }

  static int entries(byte[] f) {
    return IpvsSync.count(f, Ethernet.HEADER_LENGTH + Ipv4Header.MIN_LENGTH + Transport.UDP_LENGTH);
  }

  /** A client's connection through a: its handshake and a request, so that a knows it is real. */
  static byte[][] connection(long to, int cport, int vport) {
    return new byte[][] {
        tcp(to, CLIENT, "198.19.0.9", cport, VIP, vport, Transport.TCP_SYN, 0),
        tcp(to, CLIENT, "198.19.0.9", cport, VIP, vport, Transport.TCP_ACK, 0),
        tcp(to, CLIENT, "198.19.0.9", cport, VIP, vport, Transport.TCP_ACK, 100)};
  }

  @Test
  void aPeerCarriesOnTheConnectionsItWasSentWhateverTheirScheduler() throws Exception {
    Director a = new Director("a", mac("02:00:00:00:00:01"), "198.18.0.2");
    Director b = new Director("b", mac("02:00:00:00:00:02"), "198.18.0.3");
    // three NAT connections and one DR: round robin spreads them over both real servers
    List<byte[]> viaA = new ArrayList<>();
    for (int cport = 40000; cport < 40003; cport++) {
      viaA.addAll(a.send(connection(a.mac, cport, 8080)));
    }
    viaA.addAll(a.send(connection(a.mac, 41000, 80)));
    // a spoofed handshake that never sends data is not copied
    a.send(tcp(a.mac, CLIENT, "198.19.0.66", 50000, VIP, 80, Transport.TCP_SYN, 0));
    assertThat(syncMessages(viaA)).as("gathered, not one message per entry").isEmpty();
    List<byte[]> messages = syncMessages(run(100, a));
    assertThat(messages).singleElement().satisfies(f -> {
      assertThat(Ipv4Header.source(f, Ethernet.HEADER_LENGTH)).isEqualTo(ip("198.18.0.2"));
      assertThat(Ipv4Header.destination(f, Ethernet.HEADER_LENGTH)).isEqualTo(IpvsSync.GROUP);
      assertThat(Ipv4Header.ttl(f, Ethernet.HEADER_LENGTH)).isEqualTo(IpvsSync.TTL);
      // four connections and the persistence template of the one client of the NAT service
      assertThat(entries(f)).isEqualTo(5);
    });
    assertThat(a.count(Counter.SYNC_ENTRIES_SENT)).isEqualTo(5);

    // a fails; b receives what a sent and the clients' next packets
    b.send(messages.get(0));
    assertThat(b.count(Counter.SYNC_MESSAGES_RECEIVED)).isEqualTo(1);
    assertThat(b.count(Counter.SYNC_ENTRIES_INSTALLED)).isEqualTo(5);
    for (int cport = 40000; cport < 40003; cport++) {
      byte[] viaAFrame = a.send(tcp(a.mac, CLIENT, "198.19.0.9", cport, VIP, 8080, Transport.TCP_ACK, 10)).get(0);
      byte[] viaBFrame = b.send(tcp(b.mac, CLIENT, "198.19.0.9", cport, VIP, 8080, Transport.TCP_ACK, 10)).get(0);
      assertThat(Ethernet.destination(viaBFrame)).as("client port %d: the real server a chose", cport)
          .isEqualTo(Ethernet.destination(viaAFrame));
      assertThat(Transport.destinationPort(viaBFrame, Ethernet.HEADER_LENGTH + Ipv4Header.MIN_LENGTH)).isEqualTo(80);
    }
    byte[] dr = b.send(tcp(b.mac, CLIENT, "198.19.0.9", 41000, VIP, 80, Transport.TCP_ACK, 10)).get(0);
    byte[] drViaA = a.send(tcp(a.mac, CLIENT, "198.19.0.9", 41000, VIP, 80, Transport.TCP_ACK, 10)).get(0);
    assertThat(Ethernet.destination(dr)).isEqualTo(Ethernet.destination(drViaA));
    assertThat(b.count(Counter.CONNECTIONS_ADOPTED)).isZero();
    assertThat(b.engine.counters().drops(DropReason.NO_CONNECTION)).isZero();

    // the real server's reply of a synced NAT connection is translated back to the VIP
    boolean rs1 = Ethernet.destination(a.send(tcp(a.mac, CLIENT, "198.19.0.9", 40000, VIP, 8080, Transport.TCP_ACK, 1))
        .get(0)) == RS1;
    byte[] reply = b.send(tcp(b.mac, rs1 ? RS1 : RS2, rs1 ? "198.18.0.11" : "198.18.0.12", 80, "198.19.0.9", 40000,
        Transport.TCP_ACK, 4)).get(0);
    assertThat(Ipv4Header.source(reply, Ethernet.HEADER_LENGTH)).isEqualTo(ip(VIP));
    assertThat(Transport.sourcePort(reply, Ethernet.HEADER_LENGTH + Ipv4Header.MIN_LENGTH)).isEqualTo(8080);

    // the same client's new connection follows its persistence template to the same real server
    byte[] first = a.send(tcp(a.mac, CLIENT, "198.19.0.9", 40000, VIP, 8080, Transport.TCP_ACK, 1)).get(0);
    byte[] fresh = b.send(tcp(b.mac, CLIENT, "198.19.0.9", 42000, VIP, 8080, Transport.TCP_SYN, 0)).get(0);
    assertThat(Ethernet.destination(fresh)).isEqualTo(Ethernet.destination(first));
    assertThat(b.count(Counter.PERSISTENCE_HITS)).isEqualTo(1);
  }

  /**
   * Full-NAT from the VIP (the default source): the entry goes with its local port, and the peer
   * that takes the VIP over forwards the client's packets from the same VIP:port and turns the
   * real server's replies, which now come to it with the VIP, back to the client.
   */
  @Test
  void aFullNatConnectionGoesOnThroughThePeerBothWays() throws Exception {
    Director a = new Director("a", mac("02:00:00:00:00:01"), "198.18.0.2");
    Director b = new Director("b", mac("02:00:00:00:00:02"), "198.18.0.3");
    List<byte[]> viaA = a.send(connection(a.mac, 43000, 443));
    byte[] request = viaA.get(viaA.size() - 1);
    int l4 = Ethernet.HEADER_LENGTH + Ipv4Header.MIN_LENGTH;
    assertThat(Ipv4Header.source(request, Ethernet.HEADER_LENGTH)).as("the VIP is the source").isEqualTo(ip(VIP));
    int lport = Transport.sourcePort(request, l4);
    assertThat(lport).isBetween(61000, 65535);
    List<byte[]> messages = syncMessages(run(100, a));
    assertThat(messages).singleElement().satisfies(f -> {
      int e = IpvsSync.first(l4 + Transport.UDP_LENGTH);
      assertThat(IpvsSync.entrySize(f, e)).isEqualTo(IpvsSync.FULLNAT_ENTRY_LENGTH);
      assertThat(IpvsSync.localPort(f, IpvsSync.localOption(f, e))).isEqualTo(lport);
    });

    b.send(messages.get(0));
    assertThat(b.count(Counter.SYNC_ENTRIES_INSTALLED)).isEqualTo(1);
    byte[] onward = b.send(tcp(b.mac, CLIENT, "198.19.0.9", 43000, VIP, 443, Transport.TCP_ACK, 10)).get(0);
    assertThat(Ethernet.destination(onward)).isEqualTo(Ethernet.destination(request));
    assertThat(Ipv4Header.source(onward, Ethernet.HEADER_LENGTH)).isEqualTo(ip(VIP));
    assertThat(Transport.sourcePort(onward, l4)).isEqualTo(lport);
    assertThat(Transport.destinationPort(onward, l4)).isEqualTo(8443);

    boolean rs1 = Ethernet.destination(request) == RS1;
    byte[] reply = b.send(tcp(b.mac, rs1 ? RS1 : RS2, rs1 ? "198.18.0.11" : "198.18.0.12", 8443, VIP, lport,
        Transport.TCP_ACK, 4)).get(0);
    assertThat(Ipv4Header.source(reply, Ethernet.HEADER_LENGTH)).isEqualTo(ip(VIP));
    assertThat(Transport.sourcePort(reply, l4)).isEqualTo(443);
    assertThat(Ipv4Header.destination(reply, Ethernet.HEADER_LENGTH)).isEqualTo(ip("198.19.0.9"));
    assertThat(Transport.destinationPort(reply, l4)).isEqualTo(43000);
    assertThat(Transport.checksumValid(reply, Ethernet.HEADER_LENGTH, l4, Ipv4Header.PROTO_TCP,
        reply.length - l4)).isTrue();
    assertThat(b.engine.counters().drops(DropReason.NO_CONNECTION)).isZero();

    // b picks its own ports around the one it was given: a new connection never reuses it
    for (int cport = 44000; cport < 44040; cport++) {
      byte[] fresh = b.send(tcp(b.mac, CLIENT, "198.19.0.9", cport, VIP, 443, Transport.TCP_SYN, 0)).get(0);
      if (Ethernet.destination(fresh) == Ethernet.destination(request)) {
        assertThat(Transport.sourcePort(fresh, l4)).isNotEqualTo(lport);
      }
    }
  }

  /**
   * A FULLNAT flow too young to have been synced, on a hash scheduler: the director taking it
   * over schedules it alike and gives it the same local port (the flow's own, tried first by
   * every director), so the real server's connection goes on.
   */
  @Test
  void aFullNatFlowNeverSyncedIsAdoptedWithTheSameLocalPort() throws Exception {
    Director a = new Director("a", mac("02:00:00:00:00:01"), "198.18.0.2");
    Director b = new Director("b", mac("02:00:00:00:00:02"), "198.18.0.3");
    int l4 = Ethernet.HEADER_LENGTH + Ipv4Header.MIN_LENGTH;
    for (int cport = 46000; cport < 46020; cport++) {
      List<byte[]> viaA = a.send(connection(a.mac, cport, 444));
      byte[] request = viaA.get(viaA.size() - 1);
      byte[] viaB = b.send(tcp(b.mac, CLIENT, "198.19.0.9", cport, VIP, 444, Transport.TCP_ACK, 10)).get(0);
      assertThat(Ethernet.destination(viaB)).as("client port %d: the same real server", cport)
          .isEqualTo(Ethernet.destination(request));
      assertThat(Transport.sourcePort(viaB, l4)).as("client port %d: the same local port", cport)
          .isEqualTo(Transport.sourcePort(request, l4));
    }
    assertThat(b.count(Counter.CONNECTIONS_ADOPTED)).isEqualTo(20);
    // round robin cannot be recomputed: nothing is adopted
    a.send(connection(a.mac, 47000, 443));
    assertThat(b.send(tcp(b.mac, CLIENT, "198.19.0.9", 47000, VIP, 443, Transport.TCP_ACK, 10))).isEmpty();
    assertThat(b.engine.counters().drops(DropReason.NO_CONNECTION)).isEqualTo(1);
  }

  /**
   * Full-NAT entries are 44 bytes: a message holds as many as the MTU takes (33 at 1,500), never
   * more, and every entry arrives. An entry with a mandatory option this director does not know
   * (the kernel's sequence data) is refused, as a kernel refuses ours.
   */
  @Test
  void fullNatEntriesFillMessagesWithinTheMtuAndAnUnknownMandatoryOptionIsRefused() throws Exception {
    Director a = new Director("a", mac("02:00:00:00:00:01"), "198.18.0.2");
    Director b = new Director("b", mac("02:00:00:00:00:02"), "198.18.0.3");
    List<byte[]> sent = new ArrayList<>();
    for (int cport = 48000; cport < 48100; cport++) {
      sent.addAll(a.send(connection(a.mac, cport, 443))); // a full message leaves at once
    }
    sent.addAll(run(100, a));
    List<byte[]> messages = syncMessages(sent);
    assertThat(messages).hasSize(4).allSatisfy(f -> {
      assertThat(f.length).isLessThanOrEqualTo(Ethernet.HEADER_LENGTH + 1500);
      assertThat(entries(f)).isLessThanOrEqualTo(33);
    });
    assertThat(messages.stream().mapToInt(EngineConnectionSyncIT::entries).sum()).isEqualTo(100);
    messages.forEach(b::send);
    assertThat(b.count(Counter.SYNC_ENTRIES_INSTALLED)).isEqualTo(100);

    a.send(connection(a.mac, 48200, 443));
    byte[] strange = syncMessages(run(100, a)).get(0);
    int m = Ethernet.HEADER_LENGTH + Ipv4Header.MIN_LENGTH + Transport.UDP_LENGTH;
    strange[IpvsSync.first(m) + IpvsSync.ENTRY_LENGTH] = 1; // option type 1: the kernel's, mandatory
    Transport.writeUdp(strange, Ethernet.HEADER_LENGTH, Ethernet.HEADER_LENGTH + Ipv4Header.MIN_LENGTH, IpvsSync.PORT,
        IpvsSync.PORT, strange.length - m);
    b.send(strange);
    assertThat(b.count(Counter.SYNC_MESSAGES_RECEIVED)).isEqualTo(5);
    assertThat(b.count(Counter.SYNC_ENTRIES_INSTALLED)).isEqualTo(100);
    assertThat(b.engine.counters().drops(DropReason.SYNC_UNKNOWN_SERVICE)).isEqualTo(1);
  }

  /**
   * From the node's address (source NODE) the entry carries that address: the peer forwards the
   * client's packets from it, and the real server's replies go to the first director's node. A
   * flow never synced is not adopted: the peer's own address would be news to the real server.
   */
  @Test
  void fromTheNodesAddressTheEntryKeepsItAndNothingIsAdopted() throws Exception {
    Director a = new Director("a", mac("02:00:00:00:00:01"), "198.18.0.2");
    Director b = new Director("b", mac("02:00:00:00:00:02"), "198.18.0.3");
    int l4 = Ethernet.HEADER_LENGTH + Ipv4Header.MIN_LENGTH;
    List<byte[]> viaA = a.send(connection(a.mac, 49000, 445));
    byte[] request = viaA.get(viaA.size() - 1);
    assertThat(Ipv4Header.source(request, Ethernet.HEADER_LENGTH)).isEqualTo(ip("198.18.0.2"));
    assertThat(b.send(tcp(b.mac, CLIENT, "198.19.0.9", 49000, VIP, 445, Transport.TCP_ACK, 10))).isEmpty();
    assertThat(b.count(Counter.CONNECTIONS_ADOPTED)).isZero();
    syncMessages(run(100, a)).forEach(b::send);
    byte[] onward = b.send(tcp(b.mac, CLIENT, "198.19.0.9", 49000, VIP, 445, Transport.TCP_ACK, 10)).get(0);
    assertThat(Ipv4Header.source(onward, Ethernet.HEADER_LENGTH)).isEqualTo(ip("198.18.0.2"));
    assertThat(Transport.sourcePort(onward, l4)).isEqualTo(Transport.sourcePort(request, l4));
  }

  @Test
  void aStateChangeIsSentAgainAndMessagesFromStrangersOrBrokenOnesAreDropped() throws Exception {
    Director a = new Director("a", mac("02:00:00:00:00:01"), "198.18.0.2");
    Director b = new Director("b", mac("02:00:00:00:00:02"), "198.18.0.3");
    a.send(connection(a.mac, 40000, 80));
    byte[] established = syncMessages(run(50, a)).get(0);
    a.send(tcp(a.mac, CLIENT, "198.19.0.9", 40000, VIP, 80, Transport.TCP_ACK, 10));
    assertThat(syncMessages(run(50, a))).as("nothing changed").isEmpty();
    a.send(tcp(a.mac, CLIENT, "198.19.0.9", 40000, VIP, 80, Transport.TCP_FIN | Transport.TCP_ACK, 0));
    List<byte[]> closing = syncMessages(run(50, a));
    assertThat(closing).singleElement().satisfies(f -> assertThat(IpvsSync.state(f,
        IpvsSync.first(Ethernet.HEADER_LENGTH + Ipv4Header.MIN_LENGTH + Transport.UDP_LENGTH))).isNotEqualTo(
        IpvsSync.state(established, IpvsSync.first(Ethernet.HEADER_LENGTH + Ipv4Header.MIN_LENGTH
            + Transport.UDP_LENGTH))));

    // from an address no peer has: a stranger on the segment cannot plant connections
    byte[] forged = established.clone();
    Ipv4Header.setSource(forged, Ethernet.HEADER_LENGTH, ip("198.18.0.66"));
    Transport.addressChanged(forged, Ethernet.HEADER_LENGTH + Ipv4Header.MIN_LENGTH, Ipv4Header.PROTO_UDP,
        ip("198.18.0.2"), ip("198.18.0.66"));
    b.send(forged);
    assertThat(b.engine.counters().drops(DropReason.SYNC_UNKNOWN_SENDER)).isEqualTo(1);
    // a corrupted one (its UDP checksum), and one whose stated size lies
    byte[] corrupt = established.clone();
    corrupt[corrupt.length - 1] ^= 1;
    byte[] lying = established.clone();
    int m = Ethernet.HEADER_LENGTH + Ipv4Header.MIN_LENGTH + Transport.UDP_LENGTH;
    Bytes.put8(lying, m + 4, 7);
    Transport.writeUdp(lying, Ethernet.HEADER_LENGTH, Ethernet.HEADER_LENGTH + Ipv4Header.MIN_LENGTH, IpvsSync.PORT,
        IpvsSync.PORT, lying.length - m);
    b.send(corrupt, lying);
    assertThat(b.engine.counters().drops(DropReason.SYNC_MALFORMED)).isEqualTo(2);
    assertThat(b.count(Counter.SYNC_ENTRIES_INSTALLED)).isZero();
    // its own messages, as a capture that sees outgoing frames hands them back, are ignored
    a.send(established);
    assertThat(a.count(Counter.SYNC_MESSAGES_RECEIVED)).isZero();
  }

  /**
   * A director that comes back (restarted) lacks what was made while it was away: once its owner
   * hears it, it sends every connection of the addresses it announces again, and the newcomer
   * holds them before its hold time lets it take anything back.
   */
  @Test
  void aDirectorThatAppearsIsSentEveryConnectionOfWhatItsPeerAnnounces() throws Exception {
    Director a = new Director("a", mac("02:00:00:00:00:01"), "198.18.0.2");
    run(1_200, a);
    assertThat(a.engine.snapshot().announcedSet().contains(ip(VIP))).as("alone: a announces the VIP").isTrue();
    for (int cport = 40000; cport < 40020; cport++) {
      a.send(connection(a.mac, cport, 80));
    }
    run(100, a);
    long sentBefore = a.count(Counter.SYNC_ENTRIES_SENT);
    assertThat(sentBefore).isEqualTo(20);

    Director b = new Director("b", mac("02:00:00:00:00:02"), "198.18.0.3");
    List<byte[]> wire = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      // b's advertisements reach a, a's messages reach b
      wire.addAll(run(50, a, b));
      for (byte[] f : wire) {
        if (Ethernet.source(f) == b.mac && Ethernet.destination(f) == Vrrp.GROUP_MAC) {
          a.send(f);
        } else if (Ethernet.source(f) == a.mac) {
          b.send(f);
        }
      }
      wire.clear();
    }
    assertThat(a.count(Counter.SYNC_ENTRIES_SENT) - sentBefore).as("the dump").isEqualTo(20);
    assertThat(b.count(Counter.SYNC_ENTRIES_INSTALLED)).isEqualTo(20);
    byte[] viaB = b.send(tcp(b.mac, CLIENT, "198.19.0.9", 40007, VIP, 80, Transport.TCP_ACK, 10)).get(0);
    byte[] viaA = a.send(tcp(a.mac, CLIENT, "198.19.0.9", 40007, VIP, 80, Transport.TCP_ACK, 10)).get(0);
    assertThat(Ethernet.destination(viaB)).isEqualTo(Ethernet.destination(viaA));
  }
}
