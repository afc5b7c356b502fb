package io.lvsoperator.dataplane.engine;

import static io.lvsoperator.dataplane.engine.EnginePipelineIT.CIP;
import static io.lvsoperator.dataplane.engine.EnginePipelineIT.CONFIG;
import static io.lvsoperator.dataplane.engine.EnginePipelineIT.DIP;
import static io.lvsoperator.dataplane.engine.EnginePipelineIT.OUR;
import static io.lvsoperator.dataplane.engine.EnginePipelineIT.ROUTER;
import static io.lvsoperator.dataplane.engine.EnginePipelineIT.RS1;
import static io.lvsoperator.dataplane.engine.EnginePipelineIT.RS2;
import static io.lvsoperator.dataplane.engine.EnginePipelineIT.VIP;
import static io.lvsoperator.dataplane.testsupport.Frames.arp;
import static io.lvsoperator.dataplane.testsupport.Frames.checksumsValid;
import static io.lvsoperator.dataplane.testsupport.Frames.finished;
import static io.lvsoperator.dataplane.testsupport.Frames.ip;
import static io.lvsoperator.dataplane.testsupport.Frames.partial;
import static io.lvsoperator.dataplane.testsupport.Frames.superFrame;
import static io.lvsoperator.dataplane.testsupport.Frames.tcp;
import static io.lvsoperator.dataplane.testsupport.Frames.udp;
import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.v1alpha1.DirectorSpecReader;
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
import io.lvsoperator.dataplane.io.MemoryPacketPort.Sent;
import io.lvsoperator.dataplane.io.Offload;
import io.lvsoperator.dataplane.stats.Counter;
import io.lvsoperator.dataplane.stats.DropReason;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Frames as senders and NICs with offloads on hand them to a packet socket (docs/architecture.md,
 * "Offloads"): partial checksums and GSO/GRO super-frames, through DR, NAT both ways and TUN.
 * What leaves is checked as the kernel would finish it.
 */
class EngineOffloadIT {
  static final int MSS = 1448;

  final AtomicLong clock = new AtomicLong(1_000_000_000L);
  final MemoryPacketPort port = new MemoryPacketPort();
  final AtomicReference<ForwardingTable> tables = new AtomicReference<>();
  Engine engine;

  @BeforeEach
  void start() throws Exception {
    engine = new Engine(port, tables, 1024, clock::get);
    ConfigCompiler compiler = new ConfigCompiler(new StatsRegistry());
    tables.set(compiler.compile(DirectorSpecReader.parse(CONFIG), new InterfaceInfo("eth0", OUR, 1500, List.of())));
    compiler.committed();
    engine.tick();
  }

  List<Sent> send(byte[] frame, Offload offload) {
    port.offer(frame, offload);
    port.poll(engine, 100);
    return port.drainSentWithOffloads();
  }

  void learnNeighbours() {
    send(arp(OUR, RS1, Arp.OP_REPLY, RS1, "198.18.0.11", OUR, DIP), Offload.NONE);
    send(arp(OUR, RS2, Arp.OP_REPLY, RS2, "198.18.0.12", OUR, DIP), Offload.NONE);
    send(arp(OUR, ROUTER, Arp.OP_REPLY, ROUTER, "198.18.0.1", OUR, DIP), Offload.NONE);
    port.drainSent();
  }

  /** A client with checksum offload: its SYN's checksum is partial. Offloads off, it was dropped. */
  @Test
  void aPartialSynOpensADrConnectionAndLeavesPartial() {
    learnNeighbours();
    Offload o = new Offload();
    byte[] syn = partial(tcp(OUR, ROUTER, CIP, 40000, VIP, 80, Transport.TCP_SYN, 0), o);
    List<Sent> out = send(syn, o);
    assertThat(engine.counters().drops(DropReason.BAD_L4_CHECKSUM)).isZero();
    assertThat(out).hasSize(1);
    Sent s = out.get(0);
    assertThat(s.offload().partial()).isTrue();
    assertThat(s.offload().checksumStart()).isEqualTo(34);
    assertThat(s.offload().checksumOffset()).isEqualTo(16);
    assertThat(Arrays.copyOfRange(s.frame(), 14, s.frame().length)).isEqualTo(Arrays.copyOfRange(syn, 14, syn.length));
    assertThat(checksumsValid(finished(s.frame(), s.offload()))).isTrue();
  }

  /** NAT patches a partial checksum for the addresses only; finished, it is the rewritten packet's. */
  @Test
  void natTranslatesPartialChecksumsBothWays() {
    learnNeighbours();
    Offload o = new Offload();
    Sent in = send(partial(tcp(OUR, ROUTER, CIP, 40001, VIP, 8080, Transport.TCP_SYN, 0), o), o).get(0);
    assertThat(in.offload().partial()).isTrue();
    byte[] toRs = finished(in.frame(), in.offload());
    assertThat(Ipv4Header.destination(toRs, 14)).isEqualTo(ip("198.18.0.11"));
    assertThat(Transport.destinationPort(toRs, 34)).isEqualTo(80);
    assertThat(checksumsValid(toRs)).as("request, finished").isTrue();

    Offload r = new Offload();
    byte[] reply = partial(tcp(OUR, RS1, "198.18.0.11", 80, CIP, 40001, Transport.TCP_SYN | Transport.TCP_ACK, 0), r);
    Sent back = send(reply, r).get(0);
    byte[] toClient = finished(back.frame(), back.offload());
    assertThat(Ipv4Header.source(toClient, 14)).isEqualTo(ip(VIP));
    assertThat(Transport.sourcePort(toClient, 34)).isEqualTo(8080);
    assertThat(checksumsValid(toClient)).as("reply, finished").isTrue();

    Offload u = new Offload();
    Sent dns = send(partial(udp(OUR, ROUTER, CIP, 5353, VIP, 53, 100), u), u).get(0);
    assertThat(checksumsValid(finished(dns.frame(), dns.offload()))).as("UDP request, finished").isTrue();
  }

  /** A super-frame goes through DR and NAT whole, with its GSO size, for the kernel to segment. */
  @Test
  void superFramesPassDrAndNatWhole() {
    learnNeighbours();
    send(tcp(OUR, ROUTER, CIP, 40002, VIP, 80, Transport.TCP_SYN, 0), Offload.NONE);
    send(tcp(OUR, ROUTER, CIP, 40003, VIP, 8080, Transport.TCP_SYN, 0), Offload.NONE);
    for (int dport : new int[] {80, 8080}) {
      Offload o = new Offload();
      byte[] big = superFrame(OUR, ROUTER, CIP, dport == 80 ? 40002 : 40003, VIP, dport, 10 * MSS + 100, MSS, o);
      List<Sent> out = send(big, o);
      assertThat(out).as("port %d", dport).hasSize(1);
      Sent s = out.get(0);
      assertThat(s.frame().length).isEqualTo(big.length);
      assertThat(s.offload().gso()).isTrue();
      assertThat(s.offload().gsoType()).isEqualTo(Offload.GSO_TCPV4);
      assertThat(s.offload().gsoSize()).isEqualTo(MSS);
      assertThat(checksumsValid(finished(s.frame(), s.offload()))).as("port %d, finished", dport).isTrue();
    }
    assertThat(engine.counters().get(Counter.GSO_FRAMES)).isEqualTo(2);
  }

  /** TUN: the kernel cannot segment IP-in-IP from a packet socket, so the director does. */
  @Test
  void tunnelCutsASuperFrameIntoItsSegments() {
    learnNeighbours();
    send(tcp(OUR, ROUTER, CIP, 40004, VIP, 443, Transport.TCP_SYN, 0), Offload.NONE);
    Offload o = new Offload();
    int size = 1400; // what path MTU discovery leaves a client behind a tunnel: 1400 + 40 + 20 <= 1500
    byte[] big = superFrame(OUR, ROUTER, CIP, 40004, VIP, 443, 3 * size + 500, size, o);
    List<Sent> out = send(big, o);
    assertThat(out).hasSize(4);
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    for (int i = 0; i < out.size(); i++) {
      byte[] f = out.get(i).frame();
      assertThat(out.get(i).offload().none()).isTrue();
      assertThat(f.length).isLessThanOrEqualTo(14 + 1500);
      assertThat(Ipv4Header.protocol(f, 14)).isEqualTo(Ipv4Header.PROTO_IPIP);
      assertThat(Ipv4Header.checksumValid(f, 14)).isTrue();
      byte[] inner = unwrapped(f);
      assertThat(checksumsValid(inner)).as("segment %d", i).isTrue();
      assertThat(Ipv4Header.id(inner, 14)).isEqualTo((Ipv4Header.id(big, 14) + i) & 0xffff);
      assertThat(Bytes.i32(inner, 38)).isEqualTo(Bytes.i32(big, 38) + i * size);
      boolean last = i == out.size() - 1;
      assertThat(Transport.tcpFlags(inner, 34) & 0x08).as("PSH on the last only").isEqualTo(last ? 0x08 : 0);
      joined.write(inner, 54, inner.length - 54);
    }
    assertThat(joined.toByteArray()).isEqualTo(Arrays.copyOfRange(big, 54, big.length));
    assertThat(engine.counters().get(Counter.GSO_SEGMENTED)).isEqualTo(4);
  }

  /** The packet inside an IP-in-IP frame, behind the frame's own Ethernet header. */
  static byte[] unwrapped(byte[] f) {
    byte[] inner = new byte[f.length - 20];
    System.arraycopy(f, 0, inner, 0, 14);
    System.arraycopy(f, 34, inner, 14, f.length - 34);
    return inner;
  }

  /** Segments that would not fit once wrapped: fragmentation-needed for the segment size meant. */
  @Test
  void tunnelAnswersATooBigSuperFrameWithFragmentationNeeded() {
    learnNeighbours();
    send(tcp(OUR, ROUTER, CIP, 40005, VIP, 443, Transport.TCP_SYN, 0), Offload.NONE);
    Offload o = new Offload();
    byte[] big = superFrame(OUR, ROUTER, CIP, 40005, VIP, 443, 4 * 1460, 1460, o);
    List<Sent> out = send(big, o);
    assertThat(out).hasSize(1);
    byte[] icmp = out.get(0).frame();
    assertThat(Ipv4Header.protocol(icmp, 14)).isEqualTo(Ipv4Header.PROTO_ICMP);
    assertThat(Icmp.code(icmp, 34)).isEqualTo(Icmp.CODE_FRAGMENTATION_NEEDED);
    assertThat(Bytes.u16(icmp, 34 + 6)).isEqualTo(1480);
    assertThat(engine.counters().drops(DropReason.TOO_BIG)).isEqualTo(1);
  }

  /** TUN with a partial checksum: finished before it is wrapped. */
  @Test
  void tunnelFinishesAPartialChecksum() {
    learnNeighbours();
    Offload o = new Offload();
    byte[] syn = partial(tcp(OUR, ROUTER, CIP, 40006, VIP, 443, Transport.TCP_SYN, 0), o);
    Sent s = send(syn, o).get(0);
    assertThat(s.offload().none()).isTrue();
    assertThat(checksumsValid(unwrapped(s.frame()))).isTrue();
  }

  /** A super-frame for a next hop whose MAC is unknown cannot be parked: dropped, and ARP asked. */
  @Test
  void aSuperFrameToAnUnresolvedNextHopIsDroppedAndArpAsked() {
    send(tcp(OUR, ROUTER, CIP, 40007, VIP, 80, Transport.TCP_SYN, 0), Offload.NONE);
    port.drainSent();
    clock.addAndGet(2 * 1_000_000_000L); // past the ARP retry interval
    Offload o = new Offload();
    List<Sent> out = send(superFrame(OUR, ROUTER, CIP, 40007, VIP, 80, 4 * MSS, MSS, o), o);
    assertThat(engine.counters().drops(DropReason.GSO_NOT_PARKED)).isEqualTo(1);
    assertThat(out).hasSize(1);
    assertThat(Ethernet.etherType(out.get(0).frame())).isEqualTo(Ethernet.TYPE_ARP);
  }
}
