package io.lvsoperator.dataplane.engine;

import static io.lvsoperator.dataplane.testsupport.Frames.arp;
import static io.lvsoperator.dataplane.testsupport.Frames.icmpError;
import static io.lvsoperator.dataplane.testsupport.Frames.ip;
import static io.lvsoperator.dataplane.testsupport.Frames.tcp;
import static io.lvsoperator.dataplane.testsupport.Frames.udp;
import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.net.Ipv4Prefix;
import io.lvsoperator.api.v1alpha1.DirectorSpecReader;
import io.lvsoperator.dataplane.control.SocketFilterProgram;
import io.lvsoperator.dataplane.testsupport.BpfMachine;
import io.lvsoperator.dataplane.codec.Arp;
import io.lvsoperator.dataplane.codec.Bytes;
import io.lvsoperator.dataplane.codec.Ethernet;
import io.lvsoperator.dataplane.codec.Icmp;
import io.lvsoperator.dataplane.codec.Ipv4Header;
import io.lvsoperator.dataplane.codec.Transport;
import io.lvsoperator.dataplane.control.ConfigCompiler;
import io.lvsoperator.dataplane.control.ForwardingTable;
import io.lvsoperator.dataplane.control.StatsRegistry;
import io.lvsoperator.dataplane.io.InterfaceInfo;
import io.lvsoperator.dataplane.io.MemoryPacketPort;
import io.lvsoperator.dataplane.lvs.conn.LocalPorts;
import io.lvsoperator.dataplane.stats.Counter;
import io.lvsoperator.dataplane.stats.DropReason;
import io.lvsoperator.dataplane.testsupport.Frames;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import io.lvsoperator.api.v1alpha1.FullNatSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * FULLNAT through the whole pipeline (issue 14): exact frames in, exact frames out, from either
 * source: the VIP (the default) or the director's own address.
 */
class EngineFullNatIT {
  // the pipeline test's hosts and addresses
  static final long OUR = EnginePipelineIT.OUR;
  static final long ROUTER = EnginePipelineIT.ROUTER;
  static final long RS1 = EnginePipelineIT.RS1;
  static final long RS2 = EnginePipelineIT.RS2;
  static final String CIP = EnginePipelineIT.CIP;
  static final String VIP = EnginePipelineIT.VIP;
  static final String DIP = EnginePipelineIT.DIP;
  static final String RIP1 = "198.18.0.11";

  static final String CONFIG = """
      generation: 1
      interface: eth0
      addresses: [198.18.0.2/24]
      vips: [198.18.0.100]
      routes: [{prefix: 0.0.0.0/0, via: 198.18.0.1}]
      services:
        - {name: default/web, vip: 198.18.0.100, port: 80, mode: FULLNAT, scheduler: rr,
           realServers: [{address: 198.18.0.11, port: 8080}, {address: 198.18.0.12, port: 8080}]}
        - {name: default/one, vip: 198.18.0.100, port: 81, mode: FULLNAT, scheduler: rr,
           realServers: [{address: 198.18.0.11, port: 8081}]}
        - {name: default/dns, vip: 198.18.0.100, port: 53, protocol: UDP, mode: FULLNAT, scheduler: rr,
           realServers: [{address: 198.18.0.11}]}
      """;

  final AtomicLong clock = new AtomicLong(1_000_000_000L);
  final MemoryPacketPort port = new MemoryPacketPort();
  final AtomicReference<ForwardingTable> tables = new AtomicReference<>();
  Engine engine;

  void start(LocalPorts ports) throws Exception {
    start(ports, CONFIG, List.of());
  }

  /** Every service leaving from {@code source}; returns the address the real servers see. */
  String start(FullNatSource source) throws Exception {
    start(new LocalPorts(), withSource(CONFIG, source), List.of());
    return source == FullNatSource.VIP ? VIP : DIP;
  }

  static String withSource(String config, FullNatSource source) {
    return config.replace("mode: FULLNAT,", "mode: FULLNAT, fullNatSource: " + source + ",");
  }

  /** @param kernel the interface's kernel addresses: a node's, when the configuration names none */
  void start(LocalPorts ports, String config, List<Ipv4Prefix> kernel) throws Exception {
    engine = new Engine(port, tables, 1024, clock::get, ports);
    ConfigCompiler compiler = new ConfigCompiler(new StatsRegistry());
    tables.set(compiler.compile(DirectorSpecReader.parse(config), new InterfaceInfo("eth0", OUR, 1500, kernel)));
    compiler.committed();
    engine.tick();
    port.drainSent();
    send(arp(OUR, RS1, Arp.OP_REPLY, RS1, RIP1, OUR, DIP));
    send(arp(OUR, RS2, Arp.OP_REPLY, RS2, "198.18.0.12", OUR, DIP));
    send(arp(OUR, ROUTER, Arp.OP_REPLY, ROUTER, "198.18.0.1", OUR, DIP));
  }

  List<byte[]> send(byte[] frame) {
    port.offer(frame);
    port.poll(engine, 100);
    return port.drainSent();
  }

  @ParameterizedTest
  @EnumSource(FullNatSource.class)
  void aTcpConnectionLeavesFromTheLocalAddressAndItsRepliesReturnFromTheVip(FullNatSource source) throws Exception {
    String lip = start(source);
    byte[] in = send(tcp(OUR, ROUTER, CIP, 40000, VIP, 80, Transport.TCP_SYN, 0)).get(0);
    assertThat(Ethernet.destination(in)).isEqualTo(RS1);
    assertThat(Ipv4Header.source(in, 14)).isEqualTo(ip(lip));
    assertThat(Ipv4Header.destination(in, 14)).isEqualTo(ip(RIP1));
    int lport = Transport.sourcePort(in, 34);
    assertThat(lport).isBetween(LocalPorts.DEFAULT_FIRST, LocalPorts.DEFAULT_LAST);
    assertThat(Transport.destinationPort(in, 34)).isEqualTo(8080);
    assertThat(Frames.checksumsValid(in)).isTrue();

    // the real server answers its peer: the VIP's director, or this one on any network
    byte[] out = send(tcp(OUR, RS1, RIP1, 8080, lip, lport, Transport.TCP_SYN | Transport.TCP_ACK, 0)).get(0);
    assertThat(Ethernet.destination(out)).isEqualTo(ROUTER);
    assertThat(Ipv4Header.source(out, 14)).isEqualTo(ip(VIP));
    assertThat(Transport.sourcePort(out, 34)).isEqualTo(80);
    assertThat(Ipv4Header.destination(out, 14)).isEqualTo(ip(CIP));
    assertThat(Transport.destinationPort(out, 34)).isEqualTo(40000);
    assertThat(Ipv4Header.ttl(out, 14)).isEqualTo(63);
    assertThat(Frames.checksumsValid(out)).isTrue();

    // the connection keeps its port; data both ways
    byte[] data = send(tcp(OUR, ROUTER, CIP, 40000, VIP, 80, Transport.TCP_ACK, 100)).get(0);
    assertThat(Transport.sourcePort(data, 34)).isEqualTo(lport);
    assertThat(Frames.checksumsValid(data)).isTrue();
    assertThat(send(tcp(OUR, RS1, RIP1, 8080, lip, lport, Transport.TCP_ACK, 200))).hasSize(1);
    assertThat(engine.counters().get(Counter.FORWARDED_FULLNAT)).isEqualTo(2);
    assertThat(engine.counters().get(Counter.FULLNAT_REPLIES)).isEqualTo(2);
    // a reply to a port no connection holds is nobody's (to the VIP: a port no service has)
    assertThat(send(tcp(OUR, RS1, RIP1, 8080, lip, lport == 65535 ? 61000 : lport + 1, Transport.TCP_ACK, 0)))
        .isEmpty();
    assertThat(engine.counters().drops(source == FullNatSource.VIP ? DropReason.NO_SERVICE : DropReason.NO_CONNECTION))
        .isEqualTo(1);
  }

  /**
   * With source VIP a real server's frames to the VIP are replies only when an entry says so: its
   * own connection to the VIP, as any client's, is served (and never given a port such a
   * connection holds).
   */
  @Test
  void aRealServerOfTheVipIsAlsoOneOfItsClients() throws Exception {
    start(FullNatSource.VIP);
    byte[] asClient = send(tcp(OUR, RS1, RIP1, 40000, VIP, 80, Transport.TCP_SYN, 0)).get(0);
    assertThat(Ipv4Header.source(asClient, 14)).isEqualTo(ip(VIP));
    assertThat(Transport.destinationPort(asClient, 34)).isEqualTo(8080);
    assertThat(engine.counters().get(Counter.FORWARDED_FULLNAT)).isEqualTo(1);
    assertThat(engine.counters().get(Counter.FULLNAT_REPLIES)).isZero();
  }

  @Test
  void connectionsToOneRealServerGetPortsOfTheirOwn() throws Exception {
    start(new LocalPorts());
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < 500; i++) {
      byte[] in = send(tcp(OUR, ROUTER, "198.19.2." + (1 + i % 200), 20000 + i, VIP, 81, Transport.TCP_SYN, 0)).get(0);
      assertThat(Ipv4Header.destination(in, 14)).isEqualTo(ip(RIP1));
      ports.add(Transport.sourcePort(in, 34));
    }
    assertThat(ports).hasSize(500);
  }

  @Test
  void aFullRangeRefusesNewConnectionsCountedAndFreesPortsAsEntriesExpire() throws Exception {
    start(new LocalPorts(61000, 61003, 7));
    for (int i = 0; i < 4; i++) {
      assertThat(send(tcp(OUR, ROUTER, CIP, 30000 + i, VIP, 81, Transport.TCP_SYN, 0))).hasSize(1);
    }
    assertThat(send(tcp(OUR, ROUTER, CIP, 30004, VIP, 81, Transport.TCP_SYN, 0))).isEmpty();
    assertThat(engine.counters().drops(DropReason.FULLNAT_PORTS_EXHAUSTED)).isEqualTo(1);
    // the four half-open connections time out (SYN_RECV, 60 s): their ports are free again
    clock.addAndGet(TimeUnit.SECONDS.toNanos(61));
    byte[] in = send(tcp(OUR, ROUTER, CIP, 30005, VIP, 81, Transport.TCP_SYN, 0)).get(0);
    assertThat(Transport.sourcePort(in, 34)).isBetween(61000, 61003);
  }

  @ParameterizedTest
  @EnumSource(FullNatSource.class)
  void udpAndIcmpErrorsBothWays(FullNatSource source) throws Exception {
    String lip = start(source);
    byte[] query = udp(OUR, ROUTER, CIP, 5353, VIP, 53, 40);
    byte[] in = send(query).get(0);
    int lport = Transport.sourcePort(in, 34);
    assertThat(Ipv4Header.source(in, 14)).isEqualTo(ip(lip));
    assertThat(Frames.checksumsValid(in)).isTrue();
    byte[] answer = send(udp(OUR, RS1, RIP1, 53, lip, lport, 80)).get(0);
    assertThat(Ipv4Header.source(answer, 14)).isEqualTo(ip(VIP));
    assertThat(Transport.destinationPort(answer, 34)).isEqualTo(5353);
    assertThat(Frames.checksumsValid(answer)).isTrue();

    // the real server's port unreachable about LIP:lport -> RIP:53 reaches the client about its own query
    byte[] unreachable = icmpError(OUR, RS1, RIP1, lip, Icmp.TYPE_DEST_UNREACHABLE, 3, 0, in, 8);
    byte[] told = send(unreachable).get(0);
    assertThat(Ipv4Header.source(told, 14)).isEqualTo(ip(VIP));
    assertThat(Ipv4Header.destination(told, 14)).isEqualTo(ip(CIP));
    int quoted = 14 + 20 + 8;
    assertThat(Ipv4Header.source(told, quoted)).isEqualTo(ip(CIP));
    assertThat(Ipv4Header.destination(told, quoted)).isEqualTo(ip(VIP));
    assertThat(Bytes.u16(told, quoted + 20)).isEqualTo(5353);
    assertThat(Bytes.u16(told, quoted + 22)).isEqualTo(53);
    assertThat(Ipv4Header.checksumValid(told, quoted)).isTrue();
    assertThat(Frames.checksumsValid(told)).isTrue();

    // a router on the client's path: fragmentation needed for the answer VIP:53 -> CIP reaches the
    // real server about the answer as it sent it, RIP:53 -> LIP:lport
    byte[] needed = icmpError(OUR, ROUTER, "198.18.0.1", VIP, Icmp.TYPE_DEST_UNREACHABLE,
        Icmp.CODE_FRAGMENTATION_NEEDED, 1400, answer, 8);
    byte[] toServer = send(needed).get(0);
    assertThat(Ethernet.destination(toServer)).isEqualTo(RS1);
    assertThat(Ipv4Header.destination(toServer, 14)).isEqualTo(ip(RIP1));
    assertThat(Ipv4Header.source(toServer, quoted)).isEqualTo(ip(RIP1));
    assertThat(Ipv4Header.destination(toServer, quoted)).isEqualTo(ip(lip));
    assertThat(Bytes.u16(toServer, quoted + 20)).isEqualTo(53);
    assertThat(Bytes.u16(toServer, quoted + 22)).isEqualTo(lport);
    assertThat(Frames.checksumsValid(toServer)).isTrue();
  }

  /**
   * On a node the local address is the node's own (the kernel holds it): the replies still come
   * to the engine, and the socket filter passes them while it keeps a client's frames to that
   * address in the kernel.
   */
  @Test
  void onANodeTheNodesAddressIsTheLocalAddressAndTheFilterPassesItsReplies() throws Exception {
    start(new LocalPorts(), withSource(CONFIG, FullNatSource.NODE).replace("addresses: [198.18.0.2/24]",
        "addresses: []"), List.of(Ipv4Prefix.parse("198.18.0.2/24")));
    var program = SocketFilterProgram.precise(List.of(tables.get()));
    byte[] syn = tcp(OUR, ROUTER, CIP, 40000, VIP, 80, Transport.TCP_SYN, 0);
    assertThat(BpfMachine.run(program, syn)).isNotZero();
    byte[] in = send(syn).get(0);
    assertThat(Ipv4Header.source(in, 14)).isEqualTo(ip(DIP));
    int lport = Transport.sourcePort(in, 34);
    byte[] reply = tcp(OUR, RS1, RIP1, 8080, DIP, lport, Transport.TCP_SYN | Transport.TCP_ACK, 0);
    assertThat(BpfMachine.run(program, reply)).as("a FULLNAT reply to the node's address").isNotZero();
    assertThat(send(reply)).singleElement().satisfies(out -> assertThat(Ipv4Header.source(out, 14)).isEqualTo(ip(VIP)));
    // the node's own traffic from a client stays in the kernel
    assertThat(BpfMachine.run(program, tcp(OUR, ROUTER, CIP, 40001, DIP, 22, Transport.TCP_SYN, 0))).isZero();
    // the real server's own connection to the node (not to a local port) is left to the kernel
    int ignoredBefore = (int) engine.counters().get(Counter.IGNORED);
    assertThat(send(tcp(OUR, RS1, RIP1, 40000, DIP, 10250, Transport.TCP_SYN, 0))).isEmpty();
    assertThat(engine.counters().get(Counter.IGNORED)).isEqualTo(ignoredBefore + 1);
  }

  /** A datagram too big for one frame, both ways: every fragment leaves from the right addresses. */
  @ParameterizedTest
  @EnumSource(FullNatSource.class)
  void fragmentedDatagramsGoBothWays(FullNatSource source) throws Exception {
    String lip = start(source);
    byte[][] query = Frames.fragments(udp(OUR, ROUTER, CIP, 5353, VIP, 53, 2000), 1480);
    byte[] first = send(query[0]).get(0);
    int lport = Transport.sourcePort(first, 34);
    byte[] second = send(query[1]).get(0);
    for (byte[] in : List.of(first, second)) {
      assertThat(Ethernet.destination(in)).isEqualTo(RS1);
      assertThat(Ipv4Header.source(in, 14)).isEqualTo(ip(lip));
      assertThat(Ipv4Header.destination(in, 14)).isEqualTo(ip(RIP1));
      assertThat(Ipv4Header.checksumValid(in, 14)).isTrue();
    }
    assertThat(Ipv4Header.id(second, 14)).isEqualTo(Ipv4Header.id(first, 14));

    byte[][] answer = Frames.fragments(udp(OUR, RS1, RIP1, 53, lip, lport, 2500), 1480);
    byte[] out1 = send(answer[0]).get(0);
    byte[] out2 = send(answer[1]).get(0);
    for (byte[] out : List.of(out1, out2)) {
      assertThat(Ethernet.destination(out)).isEqualTo(ROUTER);
      assertThat(Ipv4Header.source(out, 14)).isEqualTo(ip(VIP));
      assertThat(Ipv4Header.destination(out, 14)).isEqualTo(ip(CIP));
      assertThat(Ipv4Header.ttl(out, 14)).isEqualTo(63);
      assertThat(Ipv4Header.checksumValid(out, 14)).isTrue();
    }
    assertThat(Transport.destinationPort(out1, 34)).isEqualTo(5353);
    // reassembled, the answer's UDP checksum holds over its new addresses and ports
    byte[] whole = reassemble(out1, out2);
    assertThat(Frames.checksumsValid(whole)).isTrue();
    assertThat(engine.counters().drops(DropReason.IP_FRAGMENT)).isZero();
    // a later fragment whose first was never seen is not ours: left to the node
    byte[][] stray = Frames.fragments(udp(OUR, RS1, RIP1, 53, lip, lport, 2500), 1480);
    Bytes.put16(stray[1], 18, 4242); // another datagram's ID
    Bytes.put16(stray[1], 24, 0);
    Bytes.put16(stray[1], 24, io.lvsoperator.dataplane.codec.Checksums.compute(stray[1], 14, 20));
    assertThat(send(stray[1])).isEmpty();
  }

  /** The two fragments of one datagram as one frame (offsets in 8-byte units, no options). */
  private static byte[] reassemble(byte[] first, byte[] second) {
    int firstPayload = Ipv4Header.totalLength(first, 14) - 20;
    int secondPayload = Ipv4Header.totalLength(second, 14) - 20;
    byte[] whole = new byte[14 + 20 + firstPayload + secondPayload];
    System.arraycopy(first, 0, whole, 0, 34 + firstPayload);
    System.arraycopy(second, 34, whole, 34 + firstPayload, secondPayload);
    Ipv4Header.write(whole, 14, 0, 20 + firstPayload + secondPayload, Ipv4Header.id(first, 14), 0,
        Ipv4Header.ttl(first, 14), Ipv4Header.PROTO_UDP, Ipv4Header.source(first, 14),
        Ipv4Header.destination(first, 14));
    return whole;
  }
}
