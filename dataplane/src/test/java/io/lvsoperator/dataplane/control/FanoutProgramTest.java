package io.lvsoperator.dataplane.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.net.Ipv4Prefix;
import io.lvsoperator.api.v1alpha1.DirectorSpecReader;
import io.lvsoperator.dataplane.io.ClassicBpf;
import io.lvsoperator.dataplane.io.InterfaceInfo;
import io.lvsoperator.dataplane.testsupport.BpfMachine;
import io.lvsoperator.dataplane.testsupport.Frames;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The fanout program, run as the kernel runs it (from the IPv4 header, result modulo the
 * sockets): both directions of a connection reach one worker, the one {@link FanoutHash} names;
 * FULLNAT replies the worker of their local port; what worker 0 owns goes to worker 0.
 */
class FanoutProgramTest {
  static final long MAC = 2;
  static final long PEER = 3;
  static final String CONFIG = """
      generation: 1
      interface: eth0
      addresses: [198.18.0.2/24]
      vips: [198.18.0.100, 198.18.0.101, 198.18.0.102, 198.18.0.103, 198.18.0.104, 198.18.0.105]
      services:
        - {name: default/dr, vip: 198.18.0.100, port: 80, mode: DR, scheduler: rr, realServers: [{address: 198.18.0.41}]}
        - {name: default/nat, vip: 198.18.0.101, port: 80, mode: NAT, scheduler: rr,
           realServers: [{address: 198.18.0.11}, {address: 198.18.0.12}]}
        - {name: default/nat-udp, vip: 198.18.0.101, port: 53, protocol: UDP, mode: NAT, scheduler: rr,
           realServers: [{address: 198.18.0.11}]}
        - {name: default/fullnat-node, vip: 198.18.0.102, port: 80, mode: FULLNAT, fullNatSource: NODE, scheduler: rr,
           realServers: [{address: 198.18.0.21}]}
        - {name: default/fullnat-vip, vip: 198.18.0.103, port: 80, mode: FULLNAT, scheduler: rr,
           realServers: [{address: 198.18.0.31}]}
        - {name: default/sticky, vip: 198.18.0.104, port: 80, mode: NAT, scheduler: rr, persistenceSeconds: 300,
           realServers: [{address: 198.18.0.51}]}
        - {name: default/shares-a-server, vip: 198.18.0.105, port: 80, mode: NAT, scheduler: rr,
           realServers: [{address: 198.18.0.51}, {address: 198.18.0.52}]}
      """;
  static final ForwardingTable TABLE = table();
  static final ClassicBpf PROGRAM = FanoutProgram.precise(List.of(TABLE));

  static ForwardingTable table() {
    try {
      // the kernel holds 198.18.0.3: traffic to it is the node's, not the dataplane's
      return new ConfigCompiler(new StatsRegistry()).compile(DirectorSpecReader.parse(CONFIG),
          new InterfaceInfo("eth0", MAC, 1500, List.of(Ipv4Prefix.parse("198.18.0.3/24"))));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static int worker(byte[] frame, int workers) {
    return Integer.remainderUnsigned(BpfMachine.runFromNetworkHeader(PROGRAM, frame), workers);
  }

  static String client(int a, int b) {
    return "198.19." + (a & 0xff) + "." + (1 + (b & 0x7f));
  }

  @Property(tries = 300)
  void bothDirectionsOfANatConnectionReachTheWorkerItsClientHashesTo(@ForAll @IntRange(min = 0, max = 255) int a,
      @ForAll @IntRange(min = 0, max = 255) int b, @ForAll @IntRange(min = 1024, max = 65535) int port,
      @ForAll @IntRange(min = 1, max = 8) int workers) {
    String client = client(a, b);
    int expected = FanoutHash.worker(Frames.ip(client), port, workers);
    byte[] syn = Frames.tcp(MAC, PEER, client, port, "198.18.0.101", 80, 0x02, 0);
    byte[] reply = Frames.tcp(MAC, PEER, "198.18.0.12", 80, client, port, 0x12, 0);
    assertThat(worker(syn, workers)).isEqualTo(expected);
    assertThat(worker(reply, workers)).isEqualTo(expected);
    // ICMP errors about the connection: to the VIP about what was sent to the client, and from
    // the real server about what the client sent it
    byte[] toClient = Frames.tcp(MAC, PEER, "198.18.0.101", 80, client, port, 0x10, 0);
    assertThat(worker(Frames.icmpError(MAC, PEER, "198.18.0.1", "198.18.0.101", 3, 4, 1400, toClient, 8), workers))
        .isEqualTo(expected);
    for (int type : new int[] {4, 11, 12}) { // source quench, time exceeded, parameter problem
      assertThat(worker(Frames.icmpError(MAC, PEER, "198.18.0.1", "198.18.0.101", type, 0, 0, toClient, 8), workers))
          .as("ICMP type %d", type).isEqualTo(expected);
    }
    byte[] toServer = Frames.tcp(MAC, PEER, client, port, "198.18.0.12", 80, 0x10, 0);
    assertThat(worker(Frames.icmpError(MAC, PEER, "198.18.0.12", client, 3, 3, 0, toServer, 8), workers))
        .isEqualTo(expected);
    // DR: only the client's side comes here
    assertThat(worker(Frames.tcp(MAC, PEER, client, port, "198.18.0.100", 80, 0x02, 0), workers)).isEqualTo(expected);
  }

  /**
   * Persistence: every connection of a client must reach the worker holding its template, so a
   * persistent service's VIP goes by the client's address alone; so does a VIP sharing a NAT real
   * server with it (the server's replies cannot tell which VIP they answer for) and that VIP's
   * other real servers.
   */
  @Property(tries = 200)
  void aPersistentServiceAndWhatSharesARealServerWithItGoByTheClientsAddress(
      @ForAll @IntRange(min = 0, max = 255) int a, @ForAll @IntRange(min = 0, max = 255) int b,
      @ForAll @IntRange(min = 1024, max = 65535) int port, @ForAll @IntRange(min = 1, max = 8) int workers) {
    assertThat(TABLE.byClientAddress().values()).containsExactlyInAnyOrder(Frames.ip("198.18.0.104"),
        Frames.ip("198.18.0.105"));
    assertThat(TABLE.byClientAddressRealServers().values()).containsExactlyInAnyOrder(Frames.ip("198.18.0.51"),
        Frames.ip("198.18.0.52"));
    String client = client(a, b);
    int expected = FanoutHash.worker(Frames.ip(client), 0, workers);
    for (String vip : new String[] {"198.18.0.104", "198.18.0.105"}) {
      assertThat(worker(Frames.tcp(MAC, PEER, client, port, vip, 80, 0x02, 0), workers)).as(vip).isEqualTo(expected);
      byte[] toClient = Frames.tcp(MAC, PEER, vip, 80, client, port, 0x10, 0);
      assertThat(worker(Frames.icmpError(MAC, PEER, "198.18.0.1", vip, 3, 4, 1400, toClient, 8), workers)).as(vip)
          .isEqualTo(expected);
    }
    for (String rs : new String[] {"198.18.0.51", "198.18.0.52"}) {
      assertThat(worker(Frames.tcp(MAC, PEER, rs, 80, client, port, 0x12, 0), workers)).as(rs).isEqualTo(expected);
      byte[] toServer = Frames.tcp(MAC, PEER, client, port, rs, 80, 0x10, 0);
      assertThat(worker(Frames.icmpError(MAC, PEER, rs, client, 3, 3, 0, toServer, 8), workers)).as(rs)
          .isEqualTo(expected);
    }
  }

  @Property(tries = 200)
  void udpGoesByTheClientsAddressSoItsFragmentsFollow(@ForAll @IntRange(min = 0, max = 255) int a,
      @ForAll @IntRange(min = 0, max = 255) int b, @ForAll @IntRange(min = 1024, max = 65535) int port,
      @ForAll @IntRange(min = 1, max = 8) int workers) {
    String client = client(a, b);
    int expected = FanoutHash.worker(Frames.ip(client), 0, workers);
    byte[] query = Frames.udp(MAC, PEER, client, port, "198.18.0.101", 53, 2000);
    byte[][] pieces = Frames.fragments(query, 1480);
    assertThat(worker(query, workers)).isEqualTo(expected);
    assertThat(worker(pieces[0], workers)).isEqualTo(expected);
    assertThat(worker(pieces[1], workers)).isEqualTo(expected);
    assertThat(worker(Frames.udp(MAC, PEER, "198.18.0.11", 53, client, port, 100), workers)).isEqualTo(expected);
    // a ping of a VIP, by address too
    assertThat(worker(Frames.echoRequest(MAC, PEER, client, "198.18.0.101"), workers)).isEqualTo(expected);
  }

  @Property(tries = 200)
  void aFullNatReplyGoesToTheWorkerOfItsLocalPort(@ForAll @IntRange(min = 1024, max = 65535) int localPort,
      @ForAll @IntRange(min = 1, max = 8) int workers) {
    int expected = localPort % workers;
    // source NODE: replies to the node's address; source VIP: to the VIP
    assertThat(worker(Frames.tcp(MAC, PEER, "198.18.0.21", 80, "198.18.0.2", localPort, 0x12, 0), workers))
        .isEqualTo(expected);
    assertThat(worker(Frames.tcp(MAC, PEER, "198.18.0.31", 80, "198.18.0.103", localPort, 0x12, 0), workers))
        .isEqualTo(expected);
    byte[] sent = Frames.tcp(MAC, PEER, "198.18.0.103", localPort, "198.18.0.31", 80, 0x10, 0);
    assertThat(worker(Frames.icmpError(MAC, PEER, "198.18.0.31", "198.18.0.103", 3, 3, 0, sent, 8), workers))
        .isEqualTo(expected);
  }

  @Test
  void whatWorkerZeroOwnsGoesToItWhateverTheNumberOfWorkers() {
    byte[] arp = Frames.arp(Frames.mac("ff:ff:ff:ff:ff:ff"), PEER, 1, PEER, "198.18.0.1", 0, "198.18.0.100");
    byte[] toDip = Frames.tcp(MAC, PEER, "198.19.7.7", 40000, "198.18.0.2", 22, 0x02, 0);
    byte[] vrrp = Frames.udp(MAC, PEER, "198.18.0.9", 1, "224.0.0.18", 1, 20);
    byte[] sync = Frames.udp(MAC, PEER, "198.18.0.9", 8848, "224.0.0.81", 8848, 20);
    byte[] healthCheckReply = Frames.tcp(MAC, PEER, "198.18.0.11", 80, "198.18.0.3", 45000, 0x12, 0);
    byte[] unrelated = Frames.tcp(MAC, PEER, "198.19.7.7", 40000, "198.18.0.77", 80, 0x02, 0);
    for (int workers = 1; workers <= 8; workers++) {
      for (byte[] frame : List.of(arp, toDip, vrrp, sync, healthCheckReply, unrelated)) {
        assertThat(worker(frame, workers)).isZero();
      }
    }
  }

  @Test
  void aSecondTcpFragmentGoesByTheAddressAlone() {
    byte[] segment = Frames.tcp(MAC, PEER, "198.19.3.4", 40001, "198.18.0.101", 80, 0x18, 2000);
    byte[][] pieces = Frames.fragments(segment, 1480);
    assertThat(worker(pieces[0], 8)).isEqualTo(FanoutHash.worker(Frames.ip("198.19.3.4"), 40001, 8));
    assertThat(worker(pieces[1], 8)).isEqualTo(FanoutHash.worker(Frames.ip("198.19.3.4"), 0, 8));
  }

  @Test
  void clientsSpreadEvenlyOverTheWorkers() {
    int workers = 4;
    int[] counts = new int[workers];
    java.util.Random random = new java.util.Random(7);
    int clients = 20_000;
    for (int i = 0; i < clients; i++) {
      // what a load generator does: one address, ports in a row; and many addresses
      int address = i % 2 == 0 ? Frames.ip("198.19.0.10") : Frames.ip("198.19.0.0") + random.nextInt(1 << 16);
      int port = i % 2 == 0 ? 32768 + i / 2 : 1024 + random.nextInt(64512);
      counts[FanoutHash.worker(address, port, workers)]++;
    }
    for (int c : counts) {
      assertThat(c).as("connections per worker of %d", clients).isBetween(clients / workers * 9 / 10,
          clients / workers * 11 / 10);
    }
  }

  @Test
  void aConfigurationPastTheKernelsLimitGetsNoProgram() throws Exception {
    StringBuilder vips = new StringBuilder();
    for (int i = 0; i < 4200; i++) {
      vips.append(i == 0 ? "" : ", ").append("198.18.").append(16 + i / 250).append('.').append(1 + i % 250);
    }
    ForwardingTable big = new ConfigCompiler(new StatsRegistry()).compile(DirectorSpecReader.parse("""
        generation: 1
        interface: eth0
        addresses: [198.18.0.2/24]
        vips: [%s]
        services: []
        """.formatted(vips)), new InterfaceInfo("eth0", MAC, 1500, List.of()));
    assertThat(FanoutProgram.precise(List.of(big))).isNull();
    assertThat(BpfMachine.runFromNetworkHeader(FanoutProgram.single(),
        Frames.tcp(MAC, PEER, "198.19.3.4", 40001, "198.18.16.1", 80, 0x02, 0))).isZero();
  }
}
