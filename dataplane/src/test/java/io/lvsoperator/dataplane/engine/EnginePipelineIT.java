package io.lvsoperator.dataplane.engine;

import static io.lvsoperator.dataplane.testsupport.Frames.arp;
import static io.lvsoperator.dataplane.testsupport.Frames.echoRequest;
import static io.lvsoperator.dataplane.testsupport.Frames.icmpError;
import static io.lvsoperator.dataplane.testsupport.Frames.ip;
import static io.lvsoperator.dataplane.testsupport.Frames.mac;
import static io.lvsoperator.dataplane.testsupport.Frames.tcp;
import static io.lvsoperator.dataplane.testsupport.Frames.udp;
import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.api.v1alpha1.DirectorSpec;
import io.lvsoperator.api.v1alpha1.DirectorSpecReader;
import io.lvsoperator.dataplane.codec.Arp;
import io.lvsoperator.dataplane.codec.Bytes;
import io.lvsoperator.dataplane.codec.Ethernet;
import io.lvsoperator.dataplane.codec.Icmp;
import io.lvsoperator.dataplane.codec.Ipv4Header;
import io.lvsoperator.dataplane.codec.MacAddress;
import io.lvsoperator.dataplane.codec.Transport;
import io.lvsoperator.dataplane.control.ConfigCompiler;
import io.lvsoperator.dataplane.control.ForwardingTable;
import io.lvsoperator.dataplane.control.StatsRegistry;
import io.lvsoperator.dataplane.io.InterfaceInfo;
import io.lvsoperator.dataplane.io.MemoryPacketPort;
import io.lvsoperator.dataplane.stats.Counter;
import io.lvsoperator.dataplane.stats.DropReason;
import io.lvsoperator.dataplane.testsupport.Frames;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The whole pipeline fed through in-memory I/O: exact frames in, exact frames out. */
class EnginePipelineIT {
  static final long OUR = mac("02:00:00:00:00:01");
  static final long ROUTER = mac("02:00:00:00:00:fe");
  static final long RS1 = mac("02:00:00:00:00:11");
  static final long RS2 = mac("02:00:00:00:00:12");
  static final String CIP = "198.19.1.10";
  static final String VIP = "198.18.0.100";
  static final String DIP = "198.18.0.2";

  static final String CONFIG = """
      generation: 1
      interface: eth0
      addresses: [198.18.0.2/24]
      vips: [198.18.0.100]
      routes: [{prefix: 0.0.0.0/0, via: 198.18.0.1}]
      services:
        - {name: default/dr, vip: 198.18.0.100, port: 80, mode: DR, scheduler: rr,
           realServers: [{address: 198.18.0.11}, {address: 198.18.0.12}]}
        - {name: default/nat, vip: 198.18.0.100, port: 8080, mode: NAT, scheduler: rr,
           realServers: [{address: 198.18.0.11, port: 80}, {address: 198.18.0.12, port: 80}]}
        - {name: default/tun, vip: 198.18.0.100, port: 443, mode: TUN, scheduler: rr,
           realServers: [{address: 198.18.0.11}, {address: 198.18.0.12}]}
        - {name: default/dns, vip: 198.18.0.100, port: 53, protocol: UDP, mode: NAT, scheduler: wrr,
           realServers: [{address: 198.18.0.11, weight: 2}, {address: 198.18.0.12, weight: 1}]}
        - {name: default/sticky, vip: 198.18.0.100, port: 22, mode: DR, scheduler: rr, persistenceSeconds: 60,
           realServers: [{address: 198.18.0.11}, {address: 198.18.0.12}]}
      """;

  final AtomicLong clock = new AtomicLong(1_000_000_000L);
  final MemoryPacketPort port = new MemoryPacketPort();
  final AtomicReference<ForwardingTable> tables = new AtomicReference<>();
  final ConfigCompiler compiler = new ConfigCompiler(new StatsRegistry());
  final InterfaceInfo iface = new InterfaceInfo("eth0", OUR, 1500, List.of());
  Engine engine;

  @BeforeEach
  void start() throws Exception {
    engine = new Engine(port, tables, 1024, clock::get);
    apply(CONFIG);
  }

  void apply(String yaml) throws Exception {
    DirectorSpec spec = DirectorSpecReader.parse(yaml);
    tables.set(compiler.compile(spec, iface));
    compiler.committed();
    engine.tick();
  }

  /** The configuration at generation 2 with other real servers for the DR service (the first list). */
  static String withDrRealServers(String list) {
    return CONFIG.replace("generation: 1", "generation: 2").replaceFirst(
        Pattern.quote("[{address: 198.18.0.11}, {address: 198.18.0.12}]"), Matcher.quoteReplacement(list));
  }

  List<byte[]> send(byte[] frame) {
    port.offer(frame);
    port.poll(engine, 100);
    return port.drainSent();
  }

  /** Answers the ARP requests of the start-up so that next hops are known. */
  void learnNeighbours() {
    port.drainSent();
    send(arp(OUR, RS1, Arp.OP_REPLY, RS1, "198.18.0.11", OUR, DIP));
    send(arp(OUR, RS2, Arp.OP_REPLY, RS2, "198.18.0.12", OUR, DIP));
    send(arp(OUR, ROUTER, Arp.OP_REPLY, ROUTER, "198.18.0.1", OUR, DIP));
  }

  /**
   * A spoofed SYN-then-ACK flood (the director sees only the client's half of a DR handshake, so
   * a blind spoofer completes it) overfills the table; the 50 real connections, which sent data,
   * survive it: their next packets are still forwarded.
   */
  @Test
  void aSpoofedSynAckFloodDoesNotPushEstablishedConnectionsOut() {
    learnNeighbours();
    for (int i = 0; i < 50; i++) {
      send(tcp(OUR, ROUTER, CIP, 30000 + i, VIP, 80, Transport.TCP_SYN, 0));
      send(tcp(OUR, ROUTER, CIP, 30000 + i, VIP, 80, Transport.TCP_ACK, 0));
      send(tcp(OUR, ROUTER, CIP, 30000 + i, VIP, 80, Transport.TCP_ACK, 100));
    }
    int flows = 20 * 1024;
    for (int i = 0; i < flows; i++) {
      String spoofed = "198.19." + (2 + i / 250 % 250) + "." + (1 + i % 250);
      port.offer(tcp(OUR, ROUTER, spoofed, 1024 + i % 60000, VIP, 80, Transport.TCP_SYN, 0));
      port.offer(tcp(OUR, ROUTER, spoofed, 1024 + i % 60000, VIP, 80, Transport.TCP_ACK, 0));
      port.poll(engine, 100);
      port.drainSent();
    }
    assertThat(engine.connections().size()).as("the table is full").isEqualTo(1024);
    long lostBefore = engine.counters().drops(DropReason.NO_CONNECTION);
    for (int i = 0; i < 50; i++) {
      assertThat(send(tcp(OUR, ROUTER, CIP, 30000 + i, VIP, 80, Transport.TCP_ACK, 100)))
          .as("connection %d after the flood", i).hasSize(1);
    }
    assertThat(engine.counters().drops(DropReason.NO_CONNECTION)).isEqualTo(lostBefore);
    assertThat(engine.counters().get(Counter.CONFIRMED_CONNECTIONS_EVICTED)).isZero();
    assertThat(engine.connections().unconfirmed()).isEqualTo(1024 - 50);
  }

  /** ARP from a multicast sender MAC is dropped; a forged ARP for a real server does not redirect it. */
  @Test
  void arpFromMulticastSendersIsDroppedAndForgedArpDoesNotRedirectARealServer() {
    learnNeighbours();
    long multicast = mac("01:00:5e:00:00:01");
    send(arp(MacAddress.BROADCAST, multicast, Arp.OP_REQUEST, multicast, "198.18.0.11", MacAddress.NONE, DIP));
    assertThat(engine.counters().drops(DropReason.BAD_ARP_SENDER)).isEqualTo(1);

    long attacker = mac("02:00:00:00:00:66");
    clock.addAndGet(2_000_000_000L);
    List<byte[]> out = send(arp(MacAddress.BROADCAST, attacker, Arp.OP_REQUEST, attacker, "198.18.0.11",
        MacAddress.NONE, "198.18.0.11"));
    byte[] verify = arp(MacAddress.BROADCAST, OUR, Arp.OP_REQUEST, OUR, DIP, MacAddress.NONE, "198.18.0.11");
    assertThat(out).as("the owner is asked again").anySatisfy(f -> assertThat(f).isEqualTo(verify));
    assertThat(engine.counters().get(Counter.NEIGHBOUR_UPDATES_REFUSED)).isEqualTo(1);
    List<byte[]> forwarded = send(tcp(OUR, ROUTER, CIP, 40000, VIP, 80, Transport.TCP_SYN, 0));
    assertThat(forwarded).singleElement().satisfies(f -> assertThat(Ethernet.destination(f)).isIn(RS1, RS2));
  }

  /**
   * Pings from hundreds of spoofed sources on the segment park their replies while the director
   * asks for those MACs; a connection to a real server whose MAC is not known yet still finds room.
   */
  @Test
  void pingsFromSpoofedNeighboursLeaveRoomToParkFramesForRealServers() {
    port.drainSent();
    for (int i = 0; i < 400; i++) {
      port.offer(echoRequest(OUR, ROUTER, "198.18.0." + (20 + i % 200), VIP));
      port.poll(engine, 100);
    }
    port.drainSent();
    send(tcp(OUR, ROUTER, CIP, 40000, VIP, 80, Transport.TCP_SYN, 0));
    assertThat(engine.counters().drops(DropReason.NEIGHBOUR_QUEUE_FULL)).as("echo replies refused")
        .isPositive();
    long refusedBefore = engine.counters().drops(DropReason.NEIGHBOUR_QUEUE_FULL);
    List<byte[]> released = send(arp(OUR, RS1, Arp.OP_REPLY, RS1, "198.18.0.11", OUR, DIP));
    released.addAll(send(arp(OUR, RS2, Arp.OP_REPLY, RS2, "198.18.0.12", OUR, DIP)));
    assertThat(released).as("the SYN, parked until its real server answered ARP")
        .anySatisfy(f -> assertThat(Ipv4Header.protocol(f, 14)).isEqualTo(Ipv4Header.PROTO_TCP));
    assertThat(engine.counters().drops(DropReason.NEIGHBOUR_QUEUE_FULL)).isEqualTo(refusedBefore);
  }

  /** Thousands of spoofed ARP senders cannot crowd out a next hop the director has to resolve. */
  @Test
  void anArpFloodFromSpoofedSendersLeavesRoomForNextHops() {
    for (int i = 0; i < 10_000; i++) {
      long spoofedMac = 0x020000000000L + i;
      String spoofedIp = "198.18." + (1 + i / 250 % 3) + "." + (1 + i % 250);
      port.offer(arp(MacAddress.BROADCAST, spoofedMac, Arp.OP_REQUEST, spoofedMac, spoofedIp, MacAddress.NONE, VIP));
      port.poll(engine, 100);
    }
    port.drainSent();
    learnNeighbours();
    List<byte[]> forwarded = send(tcp(OUR, ROUTER, CIP, 40000, VIP, 80, Transport.TCP_SYN, 0));
    assertThat(forwarded).singleElement().satisfies(f -> assertThat(Ethernet.destination(f)).isIn(RS1, RS2));
  }

  // --- ICMP errors about connections, and fragments ---

  static final String HOP = "198.19.0.1"; // a router on the client's path with a smaller MTU

  /** A reply of the real server, as it left toward the client (from the VIP). */
  static byte[] replyFromVip(int vport, int cport) {
    return tcp(ROUTER, RS1, VIP, vport, CIP, cport, Transport.TCP_ACK, 1400);
  }

  @Test
  void fragmentationNeededForADrConnectionReachesItsRealServerUntouched() {
    learnNeighbours();
    List<byte[]> syn = send(tcp(OUR, ROUTER, CIP, 40000, VIP, 80, Transport.TCP_SYN, 0));
    long rsMac = Ethernet.destination(syn.get(0));
    byte[] error = icmpError(OUR, ROUTER, HOP, VIP, Icmp.TYPE_DEST_UNREACHABLE, Icmp.CODE_FRAGMENTATION_NEEDED,
        1400, replyFromVip(80, 40000), 8);
    List<byte[]> out = send(error);
    assertThat(out).singleElement().satisfies(f -> {
      assertThat(Ethernet.destination(f)).isEqualTo(rsMac);
      assertThat(Arrays.copyOfRange(f, 14, f.length)).isEqualTo(Arrays.copyOfRange(error, 14, error.length));
    });
    assertThat(engine.counters().get(Counter.ICMP_ERRORS_FORWARDED)).isEqualTo(1);
  }

  @Test
  void fragmentationNeededForATunConnectionIsTunnelledToItsRealServer() {
    learnNeighbours();
    List<byte[]> syn = send(tcp(OUR, ROUTER, CIP, 40000, VIP, 443, Transport.TCP_SYN, 0));
    int rip = Ipv4Header.destination(syn.get(0), 14);
    byte[] error = icmpError(OUR, ROUTER, HOP, VIP, Icmp.TYPE_DEST_UNREACHABLE, Icmp.CODE_FRAGMENTATION_NEEDED,
        1400, replyFromVip(443, 40000), 8);
    assertThat(send(error)).singleElement().satisfies(f -> {
      assertThat(Ipv4Header.protocol(f, 14)).isEqualTo(Ipv4Header.PROTO_IPIP);
      assertThat(Ipv4Header.destination(f, 14)).isEqualTo(rip);
      assertThat(Arrays.copyOfRange(f, 34, f.length)).isEqualTo(Arrays.copyOfRange(error, 14, error.length));
    });
  }

  @Test
  void anIcmpErrorForANatConnectionIsTranslatedForItsRealServer() {
    learnNeighbours();
    List<byte[]> syn = send(tcp(OUR, ROUTER, CIP, 40001, VIP, 8080, Transport.TCP_SYN, 0));
    int rip = Ipv4Header.destination(syn.get(0), 14);
    byte[] error = icmpError(OUR, ROUTER, HOP, VIP, Icmp.TYPE_DEST_UNREACHABLE, Icmp.CODE_FRAGMENTATION_NEEDED,
        1400, replyFromVip(8080, 40001), 20);
    assertThat(send(error)).singleElement().satisfies(f -> {
      assertThat(Ipv4Header.destination(f, 14)).as("outer destination").isEqualTo(rip);
      assertThat(Ipv4Header.source(f, 42)).as("quoted source").isEqualTo(rip);
      assertThat(Bytes.u16(f, 62)).as("quoted source port").isEqualTo(80);
      assertThat(Ipv4Header.checksumValid(f, 42)).as("quoted header checksum").isTrue();
      assertThat(Frames.checksumsValid(f)).as("outer header and ICMP checksums").isTrue();
      assertThat(Bytes.u16(f, 40)).as("next-hop MTU kept").isEqualTo(1400);
    });
  }

  @Test
  void aRealServersIcmpErrorAboutANatFlowReachesTheClientFromTheVip() {
    learnNeighbours();
    byte[] query = udp(OUR, ROUTER, CIP, 5000, VIP, 53, 20);
    byte[] toRs = send(query).get(0);
    String rip = Ipv4.format(Ipv4Header.destination(toRs, 14));
    byte[] unreachable = icmpError(OUR, Ethernet.destination(toRs), rip, CIP, Icmp.TYPE_DEST_UNREACHABLE, 3, 0,
        toRs, 8);
    assertThat(send(unreachable)).singleElement().satisfies(f -> {
      assertThat(Ethernet.destination(f)).isEqualTo(ROUTER);
      assertThat(Ipv4Header.source(f, 14)).isEqualTo(ip(VIP));
      assertThat(Ipv4Header.destination(f, 42)).as("quoted destination").isEqualTo(ip(VIP));
      assertThat(Bytes.u16(f, 64)).as("quoted destination port").isEqualTo(53);
      assertThat(Frames.checksumsValid(f)).isTrue();
      assertThat(Ipv4Header.checksumValid(f, 42)).isTrue();
    });
  }

  @Test
  void aCorruptIcmpErrorIsNotPassedOnAndARealServersPingIsLeftToTheKernel() {
    learnNeighbours();
    send(tcp(OUR, ROUTER, CIP, 40000, VIP, 80, Transport.TCP_SYN, 0));
    byte[] error = icmpError(OUR, ROUTER, HOP, VIP, Icmp.TYPE_DEST_UNREACHABLE, Icmp.CODE_FRAGMENTATION_NEEDED,
        1400, replyFromVip(80, 40000), 8);
    error[41] ^= 0x40; // the MTU field damaged on the way
    assertThat(send(error)).isEmpty();
    assertThat(engine.counters().drops(DropReason.BAD_L4_CHECKSUM)).isEqualTo(1);
    long ignored = engine.counters().get(Counter.IGNORED);
    assertThat(send(echoRequest(OUR, RS1, "198.18.0.11", CIP))).isEmpty();
    assertThat(engine.counters().get(Counter.IGNORED)).isEqualTo(ignored + 1);
  }

  @Test
  void anIcmpErrorAboutNoKnownConnectionIsDropped() {
    learnNeighbours();
    byte[] error = icmpError(OUR, ROUTER, HOP, VIP, Icmp.TYPE_DEST_UNREACHABLE, Icmp.CODE_FRAGMENTATION_NEEDED,
        1400, replyFromVip(80, 41234), 8);
    assertThat(send(error)).isEmpty();
    assertThat(engine.counters().drops(DropReason.NO_CONNECTION)).isEqualTo(1);
  }

  @Test
  void theFragmentsOfADatagramFollowTheirFirstToOneRealServerTranslated() {
    learnNeighbours();
    byte[][] parts = Frames.fragments(udp(OUR, ROUTER, CIP, 5001, VIP, 53, 200), 104);
    byte[] first = send(parts[0]).get(0);
    byte[] second = send(parts[1]).get(0);
    assertThat(Ethernet.destination(second)).isEqualTo(Ethernet.destination(first));
    assertThat(Ipv4Header.destination(second, 14)).isEqualTo(Ipv4Header.destination(first, 14))
        .isNotEqualTo(ip(VIP));
    assertThat(Ipv4Header.checksumValid(second, 14)).isTrue();
    assertThat(Bytes.u16(first, 36)).as("destination port of the first fragment").isEqualTo(53);

    // the real server's reply, fragmented: both fragments leave from the VIP
    byte[] reply = udp(OUR, Ethernet.destination(first), Ipv4.format(Ipv4Header.destination(first, 14)), 53, CIP,
        5001, 300);
    byte[][] replyParts = Frames.fragments(reply, 160);
    for (byte[] part : replyParts) {
      assertThat(send(part)).singleElement().satisfies(f -> {
        assertThat(Ipv4Header.source(f, 14)).isEqualTo(ip(VIP));
        assertThat(Ipv4Header.checksumValid(f, 14)).isTrue();
      });
    }
  }

  @Test
  void aFragmentWhoseFirstWasNotSeenIsDroppedNotLeaked() {
    learnNeighbours();
    byte[][] parts = Frames.fragments(udp(OUR, ROUTER, CIP, 5002, VIP, 53, 200), 104);
    assertThat(send(parts[1])).isEmpty();
    assertThat(engine.counters().drops(DropReason.IP_FRAGMENT)).isEqualTo(1);
    assertThat(send(parts[0])).hasSize(1);
  }

  @Test
  void announcesVipAndResolvesRealServersAndGatewayOnStart() {
    List<byte[]> out = port.drainSent();
    byte[] garp = arp(MacAddress.BROADCAST, OUR, Arp.OP_REQUEST, OUR, VIP, MacAddress.NONE, VIP);
    assertThat(out).anySatisfy(f -> assertThat(f).isEqualTo(garp));
    for (String target : List.of("198.18.0.11", "198.18.0.12", "198.18.0.1")) {
      byte[] req = arp(MacAddress.BROADCAST, OUR, Arp.OP_REQUEST, OUR, DIP, MacAddress.NONE, target);
      assertThat(out).anySatisfy(f -> assertThat(f).isEqualTo(req));
    }
    clock.addAndGet(1_100_000_000L);
    engine.tick();
    assertThat(port.drainSent()).anySatisfy(f -> assertThat(f).isEqualTo(garp));
  }

  @Test
  void answersArpForOwnedAddressesOnly() {
    learnNeighbours();
    for (String owned : List.of(VIP, DIP)) {
      List<byte[]> out = send(arp(MacAddress.BROADCAST, ROUTER, Arp.OP_REQUEST, ROUTER, "198.18.0.1", 0, owned));
      assertThat(out).singleElement().satisfies(f ->
          assertThat(f).isEqualTo(arp(ROUTER, OUR, Arp.OP_REPLY, OUR, owned, ROUTER, "198.18.0.1")));
    }
    assertThat(send(arp(MacAddress.BROADCAST, ROUTER, Arp.OP_REQUEST, ROUTER, "198.18.0.1", 0, "198.18.0.77")))
        .isEmpty();
    assertThat(send(arp(MacAddress.BROADCAST, RS1, Arp.OP_REQUEST, RS1, "198.18.0.11", 0, "198.18.0.12")))
        .isEmpty();
  }

  @Test
  void directRoutingRewritesOnlyTheDestinationMac() {
    learnNeighbours();
    byte[] syn = tcp(OUR, ROUTER, CIP, 40000, VIP, 80, Transport.TCP_SYN, 0);
    List<byte[]> out = send(syn);
    byte[] expected = syn.clone();
    Ethernet.setDestination(expected, RS1);
    Ethernet.setSource(expected, OUR);
    assertThat(out).singleElement().satisfies(f -> assertThat(f).isEqualTo(expected));
    // the rest of the connection follows the same real server; a new one goes to the next
    byte[] ack = tcp(OUR, ROUTER, CIP, 40000, VIP, 80, Transport.TCP_ACK, 100);
    assertThat(Ethernet.destination(send(ack).get(0))).isEqualTo(RS1);
    byte[] syn2 = tcp(OUR, ROUTER, CIP, 40001, VIP, 80, Transport.TCP_SYN, 0);
    assertThat(Ethernet.destination(send(syn2).get(0))).isEqualTo(RS2);
    assertThat(engine.counters().get(Counter.FORWARDED_DR)).isEqualTo(3);
  }

  @Test
  void parksFramesUntilTheRealServerResolves() {
    port.drainSent();
    byte[] syn = tcp(OUR, ROUTER, CIP, 40000, VIP, 80, Transport.TCP_SYN, 0);
    // the start-up request for RS1 went out already; nothing is sent until RS1 answers
    assertThat(send(syn)).isEmpty();
    List<byte[]> released = send(arp(OUR, RS1, Arp.OP_REPLY, RS1, "198.18.0.11", OUR, DIP));
    byte[] expected = syn.clone();
    Ethernet.setDestination(expected, RS1);
    Ethernet.setSource(expected, OUR);
    assertThat(released).singleElement().satisfies(f -> assertThat(f).isEqualTo(expected));
  }

  @Test
  void unresolvedNeighbourIsRetriedThenItsFramesExpire() {
    port.drainSent();
    send(tcp(OUR, ROUTER, CIP, 40000, VIP, 80, Transport.TCP_SYN, 0));
    byte[] req = arp(MacAddress.BROADCAST, OUR, Arp.OP_REQUEST, OUR, DIP, MacAddress.NONE, "198.18.0.11");
    int requests = 0;
    for (int i = 0; i < 6; i++) {
      clock.addAndGet(1_000_000_000L);
      engine.tick();
      requests += (int) port.drainSent().stream().filter(f -> Arrays.equals(f, req)).count();
    }
    assertThat(requests).isEqualTo(Engine.ARP_MAX_REQUESTS - 1); // the first went out at start
    assertThat(engine.counters().drops(DropReason.NEIGHBOUR_UNRESOLVED)).isEqualTo(1);
  }

  @Test
  void natRewritesBothWaysWithValidChecksums() {
    learnNeighbours();
    byte[] syn = tcp(OUR, ROUTER, CIP, 40000, VIP, 8080, Transport.TCP_SYN, 0);
    byte[] in = send(syn).get(0);
    assertThat(Ethernet.destination(in)).isEqualTo(RS1);
    assertThat(Ipv4Header.destination(in, 14)).isEqualTo(ip("198.18.0.11"));
    assertThat(Ipv4Header.source(in, 14)).isEqualTo(ip(CIP));
    assertThat(Transport.destinationPort(in, 34)).isEqualTo(80);
    assertThat(Transport.sourcePort(in, 34)).isEqualTo(40000);
    assertThat(io.lvsoperator.dataplane.testsupport.Frames.checksumsValid(in)).isTrue();

    byte[] synAck = tcp(OUR, RS1, "198.18.0.11", 80, CIP, 40000, Transport.TCP_SYN | Transport.TCP_ACK, 0);
    byte[] out = send(synAck).get(0);
    assertThat(Ethernet.destination(out)).isEqualTo(ROUTER);
    assertThat(Ipv4Header.source(out, 14)).isEqualTo(ip(VIP));
    assertThat(Transport.sourcePort(out, 34)).isEqualTo(8080);
    assertThat(Ipv4Header.destination(out, 14)).isEqualTo(ip(CIP));
    assertThat(Ipv4Header.ttl(out, 14)).isEqualTo(63);
    assertThat(io.lvsoperator.dataplane.testsupport.Frames.checksumsValid(out)).isTrue();
    assertThat(engine.counters().get(Counter.NAT_REPLIES)).isEqualTo(1);
  }

  @Test
  void natReplyWithoutConnectionIsDroppedNotLeaked() {
    learnNeighbours();
    byte[] stray = tcp(OUR, RS1, "198.18.0.11", 80, CIP, 41000, Transport.TCP_ACK, 0);
    assertThat(send(stray)).isEmpty();
    assertThat(engine.counters().drops(DropReason.NO_CONNECTION)).isEqualTo(1);
  }

  @Test
  void udpNatFollowsWeights() {
    learnNeighbours();
    Map<Long, Integer> spread = new HashMap<>();
    for (int i = 0; i < 30; i++) {
      byte[] out = send(udp(OUR, ROUTER, CIP, 50000 + i, VIP, 53, 12)).get(0);
      assertThat(io.lvsoperator.dataplane.testsupport.Frames.checksumsValid(out)).isTrue();
      spread.merge(Ethernet.destination(out), 1, Integer::sum);
    }
    assertThat(spread).containsEntry(RS1, 20).containsEntry(RS2, 10);
  }

  @Test
  void tunnelWrapsThePacketInIpInIp() {
    learnNeighbours();
    byte[] syn = tcp(OUR, ROUTER, CIP, 40000, VIP, 443, Transport.TCP_SYN, 0);
    byte[] out = send(syn).get(0);
    assertThat(out.length).isEqualTo(syn.length + 20);
    assertThat(Ethernet.destination(out)).isEqualTo(RS1);
    assertThat(Ipv4Header.protocol(out, 14)).isEqualTo(Ipv4Header.PROTO_IPIP);
    assertThat(Ipv4Header.source(out, 14)).isEqualTo(ip(DIP));
    assertThat(Ipv4Header.destination(out, 14)).isEqualTo(ip("198.18.0.11"));
    assertThat(Ipv4Header.totalLength(out, 14)).isEqualTo(syn.length - 14 + 20);
    assertThat(Ipv4Header.dontFragment(out, 14)).isTrue();
    assertThat(Ipv4Header.checksumValid(out, 14)).isTrue();
    assertThat(Arrays.copyOfRange(out, 34, out.length)).isEqualTo(Arrays.copyOfRange(syn, 14, syn.length));
  }

  @Test
  void tunnelAnswersTooBigWithFragmentationNeeded() {
    learnNeighbours();
    send(tcp(OUR, ROUTER, CIP, 40000, VIP, 443, Transport.TCP_SYN, 0));
    // 1500 bytes of IP with DF: 1520 once wrapped, over the 1500 MTU
    byte[] big = tcp(OUR, ROUTER, CIP, 40000, VIP, 443, Transport.TCP_ACK, 1460);
    byte[] icmp = send(big).get(0);
    assertThat(Ethernet.destination(icmp)).isEqualTo(ROUTER);
    assertThat(Ipv4Header.protocol(icmp, 14)).isEqualTo(Ipv4Header.PROTO_ICMP);
    assertThat(Ipv4Header.destination(icmp, 14)).isEqualTo(ip(CIP));
    assertThat(Icmp.type(icmp, 34)).isEqualTo(Icmp.TYPE_DEST_UNREACHABLE);
    assertThat(Icmp.code(icmp, 34)).isEqualTo(Icmp.CODE_FRAGMENTATION_NEEDED);
    assertThat(Bytes.u16(icmp, 34 + 6)).isEqualTo(1480);
    // it quotes the offending header and 8 bytes of its payload
    assertThat(Arrays.copyOfRange(icmp, 42, 42 + 28)).isEqualTo(Arrays.copyOfRange(big, 14, 42));
    assertThat(io.lvsoperator.dataplane.testsupport.Frames.checksumsValid(icmp)).isTrue();
    assertThat(engine.counters().drops(DropReason.TOO_BIG)).isEqualTo(1);
  }

  @Test
  void answersPingToTheVip() {
    learnNeighbours();
    byte[] req = echoRequest(OUR, ROUTER, CIP, VIP);
    byte[] reply = send(req).get(0);
    assertThat(Ethernet.destination(reply)).isEqualTo(ROUTER);
    assertThat(Ipv4Header.source(reply, 14)).isEqualTo(ip(VIP));
    assertThat(Ipv4Header.destination(reply, 14)).isEqualTo(ip(CIP));
    assertThat(Icmp.type(reply, 34)).isEqualTo(Icmp.TYPE_ECHO_REPLY);
    assertThat(Arrays.copyOfRange(reply, 38, reply.length)).isEqualTo(Arrays.copyOfRange(req, 38, req.length));
    assertThat(io.lvsoperator.dataplane.testsupport.Frames.checksumsValid(reply)).isTrue();
  }

  @Test
  void dropsWhatHasNoServiceOrNoConnection() {
    learnNeighbours();
    assertThat(send(tcp(OUR, ROUTER, CIP, 40000, VIP, 9999, Transport.TCP_SYN, 0))).isEmpty();
    assertThat(engine.counters().drops(DropReason.NO_SERVICE)).isEqualTo(1);
    assertThat(send(tcp(OUR, ROUTER, CIP, 40000, VIP, 80, Transport.TCP_ACK, 10))).isEmpty();
    assertThat(engine.counters().drops(DropReason.NO_CONNECTION)).isEqualTo(1);
    byte[] otherMac = tcp(mac("02:00:00:00:00:99"), ROUTER, CIP, 40000, VIP, 80, Transport.TCP_SYN, 0);
    assertThat(send(otherMac)).isEmpty();
  }

  @Test
  void persistenceSendsAClientBackToTheSameRealServer() {
    learnNeighbours();
    long first = Ethernet.destination(send(tcp(OUR, ROUTER, CIP, 40000, VIP, 22, Transport.TCP_SYN, 0)).get(0));
    for (int p = 40001; p < 40006; p++) {
      assertThat(Ethernet.destination(send(tcp(OUR, ROUTER, CIP, p, VIP, 22, Transport.TCP_SYN, 0)).get(0)))
          .isEqualTo(first);
    }
    assertThat(engine.counters().get(Counter.PERSISTENCE_HITS)).isEqualTo(5);
    // another client is scheduled afresh (rr moves on)
    long other = Ethernet.destination(send(tcp(OUR, ROUTER, "198.19.1.11", 40000, VIP, 22, Transport.TCP_SYN, 0)).get(0));
    assertThat(other).isNotEqualTo(first);
    // after the affinity timeout the template is gone
    clock.addAndGet(61_000_000_000L);
    send(tcp(OUR, ROUTER, CIP, 40100, VIP, 22, Transport.TCP_SYN, 0));
    assertThat(engine.counters().get(Counter.PERSISTENCE_HITS)).isEqualTo(5);
  }

  @Test
  void reloadKeepsEstablishedConnectionsToARemovedRealServer() throws Exception {
    learnNeighbours();
    send(tcp(OUR, ROUTER, CIP, 40000, VIP, 80, Transport.TCP_SYN, 0)); // -> RS1
    send(tcp(OUR, ROUTER, CIP, 40001, VIP, 80, Transport.TCP_SYN, 0)); // -> RS2
    send(tcp(OUR, ROUTER, CIP, 40001, VIP, 80, Transport.TCP_ACK, 0));
    apply(withDrRealServers("[{address: 198.18.0.11}]"));
    port.drainSent();
    // the open connection to RS2 continues
    assertThat(Ethernet.destination(send(tcp(OUR, ROUTER, CIP, 40001, VIP, 80, Transport.TCP_ACK, 50)).get(0)))
        .isEqualTo(RS2);
    // new connections only go to RS1
    for (int p = 41000; p < 41006; p++) {
      assertThat(Ethernet.destination(send(tcp(OUR, ROUTER, CIP, p, VIP, 80, Transport.TCP_SYN, 0)).get(0)))
          .isEqualTo(RS1);
    }
  }

  @Test
  void weightZeroTakesNoNewConnectionsButKeepsOpenOnes() throws Exception {
    learnNeighbours();
    send(tcp(OUR, ROUTER, CIP, 40000, VIP, 80, Transport.TCP_SYN, 0)); // -> RS1
    apply(withDrRealServers("[{address: 198.18.0.11, weight: 0}, {address: 198.18.0.12}]"));
    port.drainSent();
    assertThat(Ethernet.destination(send(tcp(OUR, ROUTER, CIP, 40000, VIP, 80, Transport.TCP_ACK, 5)).get(0)))
        .isEqualTo(RS1);
    for (int p = 41000; p < 41004; p++) {
      assertThat(Ethernet.destination(send(tcp(OUR, ROUTER, CIP, p, VIP, 80, Transport.TCP_SYN, 0)).get(0)))
          .isEqualTo(RS2);
    }
  }

  @Test
  void malformedFramesAreCountedNotThrown() {
    learnNeighbours();
    byte[] truncated = Arrays.copyOf(tcp(OUR, ROUTER, CIP, 40000, VIP, 80, Transport.TCP_SYN, 0), 40);
    byte[] badVersion = tcp(OUR, ROUTER, CIP, 40000, VIP, 80, Transport.TCP_SYN, 0);
    badVersion[14] = 0x65;
    byte[] badChecksum = tcp(OUR, ROUTER, CIP, 40000, VIP, 80, Transport.TCP_SYN, 0);
    badChecksum[24] ^= 0x55;
    byte[] runt = new byte[10];
    for (byte[] f : List.of(truncated, badVersion, badChecksum, runt)) {
      assertThat(send(f)).isEmpty();
    }
    assertThat(engine.counters().drops(DropReason.MALFORMED)).isEqualTo(3);
    assertThat(engine.counters().drops(DropReason.BAD_IP_CHECKSUM)).isEqualTo(1);
  }
}
