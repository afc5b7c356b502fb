package io.lvsoperator.dataplane.engine;

import static io.lvsoperator.dataplane.testsupport.Frames.arp;
import static io.lvsoperator.dataplane.testsupport.Frames.ip;
import static io.lvsoperator.dataplane.testsupport.Frames.mac;
import static io.lvsoperator.dataplane.testsupport.Frames.tcp;
import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.v1alpha1.DirectorSpecReader;
import io.lvsoperator.dataplane.codec.Arp;
import io.lvsoperator.dataplane.codec.Ethernet;
import io.lvsoperator.dataplane.codec.IpvsSync;
import io.lvsoperator.dataplane.codec.Ipv4Header;
import io.lvsoperator.dataplane.codec.MacAddress;
import io.lvsoperator.dataplane.codec.Transport;
import io.lvsoperator.dataplane.codec.Vrrp;
import io.lvsoperator.dataplane.control.ConfigCompiler;
import io.lvsoperator.dataplane.control.FanoutHash;
import io.lvsoperator.dataplane.control.FanoutProgram;
import io.lvsoperator.dataplane.control.ForwardingTable;
import io.lvsoperator.dataplane.control.StatsRegistry;
import io.lvsoperator.dataplane.io.ClassicBpf;
import io.lvsoperator.dataplane.io.InterfaceInfo;
import io.lvsoperator.dataplane.io.MemoryPacketPort;
import io.lvsoperator.dataplane.lvs.conn.ConnectionTable;
import io.lvsoperator.dataplane.lvs.conn.LocalPorts;
import io.lvsoperator.dataplane.stats.Counter;
import io.lvsoperator.dataplane.stats.DropReason;
import io.lvsoperator.dataplane.testsupport.BpfMachine;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A director of two engine workers, in memory (docs/architecture.md, "Workers"): each frame
 * reaches the worker the fanout program names, run as the kernel runs it, and between batches
 * each worker reads what the other sent it. Worker 0 alone runs ARP, the announcer and the sync
 * receiver; the other learns neighbours, announced VIPs and synced connections from it.
 */
class EngineWorkersIT {
  static final long MS = 1_000_000L;
  static final long CLIENT = mac("02:00:00:00:00:fe");
  static final long RS1 = mac("02:00:00:00:00:11");
  static final long RS2 = mac("02:00:00:00:00:12");
  static final long ROUTER = mac("02:00:00:00:00:fd");
  static final long FORGER = mac("02:00:00:00:00:66");
  static final String VIP = "198.18.0.100";
  /** The persistent service's: its connections go to a worker by the client's address alone. */
  static final String STICKY_VIP = "198.18.0.101";
  static final String CLIENT_IP = "198.19.0.9";
  static final int L4 = Ethernet.HEADER_LENGTH + Ipv4Header.MIN_LENGTH;

  static String config(String node) {
    return """
        generation: 1
        interface: eth0
        addresses: [%s/24]
        routes: [{prefix: 0.0.0.0/0, via: 198.18.0.1}]
        services:
          - {name: default/nat, vip: 198.18.0.101, port: 8080, mode: NAT, scheduler: rr, persistenceSeconds: 300,
             realServers: [{address: 198.18.0.11, port: 80}, {address: 198.18.0.12, port: 80}]}
          - {name: default/dr, vip: 198.18.0.100, port: 80, mode: DR, scheduler: rr,
             realServers: [{address: 198.18.0.11}, {address: 198.18.0.12}]}
          - {name: default/fullnat, vip: 198.18.0.100, port: 443, mode: FULLNAT, scheduler: rr,
             realServers: [{address: 198.18.0.11, port: 8443}, {address: 198.18.0.12, port: 8443}]}
        failover:
          node: %s
          peers: [{name: a, address: 198.18.0.2, routerId: 1}, {name: b, address: 198.18.0.3, routerId: 2}]
          announce:
            - {address: 198.18.0.100, directors: [a, b]}
        """.formatted(node.equals("a") ? "198.18.0.2" : "198.18.0.3", node);
  }

  final AtomicLong clock = new AtomicLong(1_000 * MS);

  /** A director of {@code n} workers; the fanout program of its table hands each frame to one. */
  final class Director {
    final long mac;
    final String address;
    final Workers workers;
    final AtomicReference<ForwardingTable> tables = new AtomicReference<>();
    final MemoryPacketPort[] ports;
    final Engine[] engines;
    final ClassicBpf fanout;

    Director(String node, long mac, String address, int n) throws Exception {
      this.mac = mac;
      this.address = address;
      workers = new Workers(n, Engine.MAX_FRAME);
      ports = new MemoryPacketPort[n];
      engines = new Engine[n];
      LocalPorts localPorts = new LocalPorts();
      for (int k = 0; k < n; k++) {
        ports[k] = new MemoryPacketPort();
        engines[k] = new Engine(ports[k], tables, 1024, clock::get, localPorts.share(k, n), workers, k);
      }
      ConfigCompiler compiler = new ConfigCompiler(new StatsRegistry(n));
      tables.set(compiler.compile(DirectorSpecReader.parse(config(node)), new InterfaceInfo("eth0", mac, 1500,
          List.of())));
      compiler.committed();
      fanout = FanoutProgram.precise(List.of(tables.get()));
      tick();
    }

    /** The next hops answer worker 0's requests. */
    Director resolved() {
      send(arp(mac, RS1, Arp.OP_REPLY, RS1, "198.18.0.11", mac, address),
          arp(mac, RS2, Arp.OP_REPLY, RS2, "198.18.0.12", mac, address),
          arp(mac, ROUTER, Arp.OP_REPLY, ROUTER, "198.18.0.1", mac, address));
      drain();
      return this;
    }

    int workerOf(byte[] f) {
      return Integer.remainderUnsigned(BpfMachine.runFromNetworkHeader(fanout, f), engines.length);
    }

    /** The frames in, each to its worker; then every worker reads its mailboxes twice (a question, its answer). */
    List<byte[]> send(byte[]... frames) {
      for (byte[] f : frames) {
        ports[workerOf(f)].offer(f);
      }
      for (int k = 0; k < engines.length; k++) {
        ports[k].poll(engines[k], frames.length);
      }
      exchange();
      return drain();
    }

    void exchange() {
      for (int round = 0; round < 2; round++) {
        for (Engine e : engines) {
          e.exchange();
        }
      }
    }

    void tick() {
      for (Engine e : engines) {
        e.tick();
      }
      exchange();
    }

    List<byte[]> drain() {
      List<byte[]> out = new ArrayList<>();
      for (MemoryPacketPort p : ports) {
        out.addAll(p.drainSent());
      }
      return out;
    }

    /** Summed over the workers, as the metrics sum them. */
    long count(Counter c) {
      return new Engines(List.of(engines)).count(c);
    }

    long drops(DropReason r) {
      return new Engines(List.of(engines)).drops(r);
    }

    /** A client port whose connections are worker {@code k}'s, from {@code from} on. */
    int portOf(int k, int from) {
      int p = from;
      while (FanoutHash.worker(ip(CLIENT_IP), p, engines.length) != k) {
        p++;
      }
      return p;
    }
  }

  /** Ticks every director for {@code ms}; what each port sent, by director and worker. */
  List<List<byte[]>> run(long ms, Director... directors) {
    List<List<byte[]>> out = new ArrayList<>();
    for (Director d : directors) {
      for (int k = 0; k < d.engines.length; k++) {
        out.add(new ArrayList<>());
      }
    }
    for (long t = 0; t < ms; t += 50) {
      clock.addAndGet(50 * MS);
      int i = 0;
      for (Director d : directors) {
        d.tick();
        for (MemoryPacketPort p : d.ports) {
          out.get(i++).addAll(p.drainSent());
        }
      }
    }
    return out;
  }

  static List<byte[]> arpFrames(List<byte[]> frames) {
    return frames.stream().filter(f -> Ethernet.etherType(f) == Ethernet.TYPE_ARP).toList();
  }

  static List<byte[]> syncMessages(List<byte[]> frames) {
    return frames.stream().filter(f -> Ethernet.destination(f) == IpvsSync.GROUP_MAC).toList();
  }

  static int entries(byte[] f) {
    return IpvsSync.count(f, L4 + Transport.UDP_LENGTH);
  }

  static byte[][] connection(long to, int cport, int vport) {
    return new byte[][] {
        tcp(to, CLIENT, CLIENT_IP, cport, VIP, vport, Transport.TCP_SYN, 0),
        tcp(to, CLIENT, CLIENT_IP, cport, VIP, vport, Transport.TCP_ACK, 0),
        tcp(to, CLIENT, CLIENT_IP, cport, VIP, vport, Transport.TCP_ACK, 100)};
  }

  /**
   * Worker 1 receives no ARP: it asks worker 0, which sends the request (so it takes the reply as
   * the answer to its own question, and a forged MAC after it as suspect) and tells worker 1 the
   * MAC; the frame worker 1 parked meanwhile then leaves, from worker 1.
   */
  @Test
  void aWorkerWithoutArpGetsItsNeighboursFromWorkerZero() throws Exception {
    Director d = new Director("b", mac("02:00:00:00:00:02"), "198.18.0.3", 2);
    List<byte[]> requests = arpFrames(d.ports[0].drainSent());
    assertThat(requests).as("worker 0 asks for both real servers and the router, once each")
        .extracting(Arp::targetIp).containsExactlyInAnyOrder(ip("198.18.0.11"), ip("198.18.0.12"), ip("198.18.0.1"));
    assertThat(arpFrames(d.ports[1].drainSent())).as("worker 1 asks nobody on the wire").isEmpty();

    int cport = d.portOf(1, 40000);
    byte[] syn = tcp(d.mac, CLIENT, CLIENT_IP, cport, VIP, 80, Transport.TCP_SYN, 0);
    assertThat(d.workerOf(syn)).isEqualTo(1);
    assertThat(d.send(syn)).as("parked until its real server's MAC is known").isEmpty();

    // the replies reach worker 0 (ARP is worker 0's), which tells worker 1
    byte[] reply1 = arp(d.mac, RS1, Arp.OP_REPLY, RS1, "198.18.0.11", d.mac, d.address);
    assertThat(d.workerOf(reply1)).isZero();
    d.ports[0].offer(reply1);
    d.ports[0].offer(arp(d.mac, RS2, Arp.OP_REPLY, RS2, "198.18.0.12", d.mac, d.address));
    d.ports[0].poll(d.engines[0], 2);
    d.exchange();
    List<byte[]> released = d.ports[1].drainSent();
    assertThat(released).as("worker 1 sends the frame it parked").singleElement()
        .satisfies(f -> assertThat(Ethernet.destination(f)).isIn(RS1, RS2));
    long chosen = Ethernet.destination(released.get(0));
    assertThat(d.engines[0].counters().get(Counter.NEIGHBOURS_LEARNED)).isEqualTo(2);

    // a forger's gratuitous ARP for that real server: worker 0 confirmed its MAC, and doubts it
    String chosenIp = chosen == RS1 ? "198.18.0.11" : "198.18.0.12";
    d.send(arp(MacAddress.BROADCAST, FORGER, Arp.OP_REQUEST, FORGER, chosenIp, 0L, chosenIp));
    assertThat(d.engines[0].counters().get(Counter.NEIGHBOUR_UPDATES_REFUSED)).isEqualTo(1);
    byte[] ack = tcp(d.mac, CLIENT, CLIENT_IP, cport, VIP, 80, Transport.TCP_ACK, 10);
    assertThat(d.send(ack)).singleElement().satisfies(f -> assertThat(Ethernet.destination(f)).isEqualTo(chosen));
    assertThat(d.count(Counter.TX_FRAMES)).isGreaterThan(0);
  }

  /**
   * Director a (one worker) forwards connections and syncs them; director b (two workers)
   * receives the messages on worker 0. Each worker installs the connections that are its own (the
   * persistence template goes to both), and after a's failure carries them on to the real server
   * a chose, with no connection adopted or lost.
   */
  @Test
  void eachWorkerInstallsTheSyncedConnectionsThatAreItsOwnAndCarriesThemOn() throws Exception {
    Director a = new Director("a", mac("02:00:00:00:00:01"), "198.18.0.2", 1).resolved();
    Director b = new Director("b", mac("02:00:00:00:00:02"), "198.18.0.3", 2).resolved();
    List<Integer> ports = new ArrayList<>();
    for (int cport = 40000; cport < 40016; cport++) {
      a.send(connection(a.mac, cport, 80));
      ports.add(cport);
    }
    a.send(tcp(a.mac, CLIENT, CLIENT_IP, 41000, STICKY_VIP, 8080, Transport.TCP_SYN, 0),
        tcp(a.mac, CLIENT, CLIENT_IP, 41000, STICKY_VIP, 8080, Transport.TCP_ACK, 0),
        tcp(a.mac, CLIENT, CLIENT_IP, 41000, STICKY_VIP, 8080, Transport.TCP_ACK, 100));
    List<byte[]> messages = syncMessages(run(100, a).get(0));
    assertThat(messages.stream().mapToInt(EngineWorkersIT::entries).sum())
        .as("16 DR connections, a NAT one and its template").isEqualTo(18);

    for (byte[] m : messages) {
      assertThat(b.workerOf(m)).isZero();
      b.send(m);
    }
    assertThat(b.count(Counter.SYNC_MESSAGES_RECEIVED)).isEqualTo(messages.size());
    assertThat(b.count(Counter.SYNC_ENTRIES_INSTALLED)).as("each entry counted once").isEqualTo(18);
    long now = clock.get();
    int[] held = new int[2];
    for (int cport : ports) {
      int owner = FanoutHash.worker(ip(CLIENT_IP), cport, 2);
      for (int k = 0; k < 2; k++) {
        boolean has = b.engines[k].connections().lookupIn(Ipv4Header.PROTO_TCP, ip(CLIENT_IP), cport, ip(VIP), 80, now)
            != ConnectionTable.NONE;
        assertThat(has).as("client port %d on worker %d (its owner %d)", cport, k, owner).isEqualTo(k == owner);
        held[k] += has ? 1 : 0;
      }
    }
    assertThat(held[0]).as("worker 0 holds some").isPositive();
    assertThat(held[1]).as("worker 1 holds some").isPositive();
    for (int k = 0; k < 2; k++) {
      assertThat(b.engines[k].connections().lookupIn(ConnectionTable.TEMPLATE, ip(CLIENT_IP), 0, ip(STICKY_VIP), 8080,
          now))
          .as("the template on worker %d", k).isNotEqualTo(ConnectionTable.NONE);
    }

    // a fails: the clients' next packets reach b, each to its worker, and go where a sent them
    for (int cport : ports) {
      byte[] viaA = a.send(tcp(a.mac, CLIENT, CLIENT_IP, cport, VIP, 80, Transport.TCP_ACK, 10)).get(0);
      List<byte[]> viaB = b.send(tcp(b.mac, CLIENT, CLIENT_IP, cport, VIP, 80, Transport.TCP_ACK, 10));
      assertThat(viaB).as("client port %d", cport).singleElement()
          .satisfies(f -> assertThat(Ethernet.destination(f)).isEqualTo(Ethernet.destination(viaA)));
    }
    assertThat(b.count(Counter.CONNECTIONS_ADOPTED)).isZero();
    assertThat(b.drops(DropReason.NO_CONNECTION)).isZero();
  }

  /**
   * Full-NAT connections a director of one worker made, with local ports of its whole range, reach
   * a director of two: each is installed on the worker its client hashes to and on the worker its
   * local port comes back to, so after the takeover the client's packets and the real server's
   * replies, each reaching its own worker, are both translated.
   */
  @Test
  void aSyncedFullNatConnectionIsCarriedOnBothWaysWhicheverWorkerEachDirectionReaches() throws Exception {
    Director a = new Director("a", mac("02:00:00:00:00:01"), "198.18.0.2", 1).resolved();
    Director b = new Director("b", mac("02:00:00:00:00:02"), "198.18.0.3", 2).resolved();
    List<int[]> flows = new ArrayList<>(); // client port, local port, real server (1 or 2)
    for (int cport = 45000; cport < 45012; cport++) {
      List<byte[]> out = a.send(connection(a.mac, cport, 443));
      byte[] request = out.get(out.size() - 1);
      flows.add(new int[] {cport, Transport.sourcePort(request, L4), Ethernet.destination(request) == RS1 ? 1 : 2});
    }
    assertThat(flows).as("local ports of both shares of two workers")
        .anyMatch(f -> FanoutHash.worker(ip(CLIENT_IP), f[0], 2) != f[1] % 2);
    for (byte[] m : syncMessages(run(100, a).get(0))) {
      b.send(m);
    }
    assertThat(b.count(Counter.SYNC_ENTRIES_INSTALLED)).isEqualTo(flows.size());
    for (int[] f : flows) {
      long rsMac = f[2] == 1 ? RS1 : RS2;
      String rs = f[2] == 1 ? "198.18.0.11" : "198.18.0.12";
      byte[] onward = b.send(tcp(b.mac, CLIENT, CLIENT_IP, f[0], VIP, 443, Transport.TCP_ACK, 10)).get(0);
      assertThat(Ethernet.destination(onward)).isEqualTo(rsMac);
      assertThat(Transport.sourcePort(onward, L4)).as("client port %d: its local port", f[0]).isEqualTo(f[1]);
      byte[] reply = tcp(b.mac, rsMac, rs, 8443, VIP, f[1], Transport.TCP_ACK, 4);
      assertThat(b.workerOf(reply)).as("the reply goes by its local port").isEqualTo(f[1] % 2);
      byte[] back = b.send(reply).get(0);
      assertThat(Ipv4Header.destination(back, Ethernet.HEADER_LENGTH)).isEqualTo(ip(CLIENT_IP));
      assertThat(Transport.destinationPort(back, L4)).isEqualTo(f[0]);
      assertThat(Transport.sourcePort(back, L4)).isEqualTo(443);
    }
    assertThat(b.drops(DropReason.NO_CONNECTION)).isZero();
  }

  /**
   * Persistence across workers: a client's connections to a persistent service, from ports the
   * hash would spread over both workers, all reach the one worker holding its template, so every
   * one goes to the real server its first went to; the replies come back to that worker too.
   */
  @Test
  void aClientsConnectionsToAPersistentServiceMeetItsTemplateOnOneWorker() throws Exception {
    Director d = new Director("b", mac("02:00:00:00:00:02"), "198.18.0.3", 2).resolved();
    List<Integer> ports = List.of(d.portOf(0, 40000), d.portOf(1, 40000), d.portOf(0, 41000), d.portOf(1, 41000),
        d.portOf(0, 42000), d.portOf(1, 42000));
    Long chosen = null;
    for (int cport : ports) {
      byte[] syn = tcp(d.mac, CLIENT, CLIENT_IP, cport, STICKY_VIP, 8080, Transport.TCP_SYN, 0);
      assertThat(d.workerOf(syn)).as("by the client's address").isEqualTo(FanoutHash.worker(ip(CLIENT_IP), 0, 2));
      byte[] out = d.send(syn).get(0);
      chosen = chosen == null ? Ethernet.destination(out) : chosen;
      assertThat(Ethernet.destination(out)).as("client port %d", cport).isEqualTo(chosen);
      String rs = chosen == RS1 ? "198.18.0.11" : "198.18.0.12";
      byte[] reply = d.send(tcp(d.mac, chosen, rs, 80, CLIENT_IP, cport, Transport.TCP_SYN | Transport.TCP_ACK, 0))
          .get(0);
      assertThat(Ipv4Header.source(reply, Ethernet.HEADER_LENGTH)).isEqualTo(ip(STICKY_VIP));
      assertThat(Transport.sourcePort(reply, L4)).isEqualTo(8080);
    }
    assertThat(d.count(Counter.PERSISTENCE_HITS)).isEqualTo(ports.size() - 1);
  }

  /**
   * Only worker 0 advertises, answers ARP and sends gratuitous ARP; worker 1 sees what it
   * announces. A peer that appears gets every connection of both workers, each worker sending
   * its own.
   */
  @Test
  void workerZeroAnnouncesForBothAndAPeerThatAppearsGetsEveryWorkersConnections() throws Exception {
    Director b = new Director("b", mac("02:00:00:00:00:02"), "198.18.0.3", 2).resolved();
    List<List<byte[]>> sent = run(1_500, b);
    assertThat(sent.get(1)).as("worker 1 sends no advertisement and no ARP").noneMatch(
        f -> Ethernet.destination(f) == Vrrp.GROUP_MAC || Ethernet.etherType(f) == Ethernet.TYPE_ARP);
    assertThat(sent.get(0)).as("worker 0 advertises").anyMatch(f -> Ethernet.destination(f) == Vrrp.GROUP_MAC);
    assertThat(arpFrames(sent.get(0))).as("and tells the segment it holds the VIP, a alone being silent")
        .anyMatch(f -> Arp.senderIp(f) == ip(VIP));
    for (Engine e : b.engines) {
      assertThat(e.snapshot().announced()).containsExactly(ip(VIP));
    }
    byte[] who = arp(MacAddress.BROADCAST, CLIENT, Arp.OP_REQUEST, CLIENT, CLIENT_IP, 0L, VIP);
    assertThat(b.send(who)).singleElement().satisfies(f -> assertThat(Arp.operation(f)).isEqualTo(Arp.OP_REPLY));

    int[] opened = new int[2];
    for (int cport = 42000; cport < 42010; cport++) {
      b.send(connection(b.mac, cport, 80));
      opened[FanoutHash.worker(ip(CLIENT_IP), cport, 2)]++;
    }
    run(1_000, b); // gathered and sent: nobody listens yet
    Director a = new Director("a", mac("02:00:00:00:00:01"), "198.18.0.2", 1);
    List<byte[]> fromA = run(100, a).get(0);
    byte[] advertisement = fromA.stream().filter(f -> Ethernet.destination(f) == Vrrp.GROUP_MAC).findFirst()
        .orElseThrow();
    b.send(advertisement);
    List<List<byte[]>> dump = run(200, b);
    for (int k = 0; k < 2; k++) {
      assertThat(syncMessages(dump.get(k)).stream().mapToInt(EngineWorkersIT::entries).sum())
          .as("worker %d sends its %d connections to the peer that appeared", k, opened[k]).isEqualTo(opened[k]);
    }
  }
}
