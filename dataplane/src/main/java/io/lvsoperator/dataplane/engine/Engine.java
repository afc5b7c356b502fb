package io.lvsoperator.dataplane.engine;

import io.lvsoperator.api.v1alpha1.ForwardingMode;
import io.lvsoperator.dataplane.codec.Bytes;
import io.lvsoperator.dataplane.codec.Checksums;
import io.lvsoperator.dataplane.codec.Ethernet;
import io.lvsoperator.dataplane.codec.Icmp;
import io.lvsoperator.dataplane.codec.IpvsSync;
import io.lvsoperator.dataplane.codec.Ipv4Header;
import io.lvsoperator.dataplane.codec.MacAddress;
import io.lvsoperator.dataplane.codec.Transport;
import io.lvsoperator.dataplane.codec.Vrrp;
import io.lvsoperator.dataplane.control.ForwardingTable;
import io.lvsoperator.dataplane.io.FrameHandler;
import io.lvsoperator.dataplane.io.Offload;
import io.lvsoperator.dataplane.io.OffloadedFrames;
import io.lvsoperator.dataplane.io.PacketPort;
import io.lvsoperator.dataplane.lvs.conn.ConnectionTable;
import io.lvsoperator.dataplane.lvs.conn.FragmentTable;
import io.lvsoperator.dataplane.lvs.conn.LocalPorts;
import io.lvsoperator.dataplane.lvs.conn.TcpState;
import io.lvsoperator.dataplane.lvs.conn.TcpStateMachine;
import io.lvsoperator.dataplane.lvs.service.Destination;
import io.lvsoperator.dataplane.lvs.service.VirtualService;
import io.lvsoperator.dataplane.lvs.sync.SyncReceiver;
import io.lvsoperator.dataplane.lvs.sync.SyncSender;
import io.lvsoperator.dataplane.lvs.xmit.DirectRoutingTransmitter;
import io.lvsoperator.dataplane.lvs.xmit.FullNatTransmitter;
import io.lvsoperator.dataplane.lvs.xmit.NatTransmitter;
import io.lvsoperator.dataplane.lvs.xmit.TunnelTransmitter;
import io.lvsoperator.dataplane.neigh.ArpResponder;
import io.lvsoperator.dataplane.neigh.NeighborTable;
import io.lvsoperator.dataplane.neigh.NeighbourOutput;
import io.lvsoperator.dataplane.neigh.PendingFrames;
import io.lvsoperator.dataplane.peer.Announcer;
import io.lvsoperator.dataplane.route.RouteTable;
import io.lvsoperator.dataplane.stats.Counter;
import io.lvsoperator.dataplane.stats.DropReason;
import io.lvsoperator.dataplane.stats.EngineCounters;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The packet pipeline: classify -> ARP | (connection lookup -> service -> schedule -> DR/NAT/TUN)
 * | NAT reply | ICMP echo -> route -> neighbour -> transmit. Runs on one thread; the forwarding
 * table is read once per frame from an {@link AtomicReference} that the control side swaps whole.
 * Nothing here allocates, logs or throws per frame: every outcome is a counter.
 */
public final class Engine implements FrameHandler {
  static final int NEIGHBOUR_CAPACITY = 4096;
  static final int PENDING_SLOTS = 256;
  static final int PENDING_PER_NEIGHBOUR = 32;
  static final int MAX_FRAME = 9216 + Ethernet.HEADER_LENGTH;
  static final long PENDING_MAX_AGE_NANOS = 3_000_000_000L;
  static final int ARP_MAX_REQUESTS = 3;
  static final long NEIGHBOUR_LIFETIME_NANOS = 300_000_000_000L;
  static final long GARP_REPEAT_NANOS = 1_000_000_000L;
  /** The longest a stopping director waits for a successor in its orders before it resigns anyway. */
  static final long HANDOVER_BOUND_NANOS = 10_000_000_000L;
  /** Gratuitous ARP for every announced address this often (keepalived's garp_master_refresh). */
  static final long GARP_REFRESH_NANOS = 60_000_000_000L;
  // slots the sweep visits per tick (20 ticks a second): small enough that a tick never holds
  // packets back for long, while expired entries also go on lookup and under eviction
  static final int SWEEP_BUDGET = 8_192;
  private static final int ECHO_TTL = 64;
  /** Datagrams in flight whose later fragments the engine can place, and how long it waits for them. */
  static final int FRAGMENT_SLOTS = 4096;
  static final long FRAGMENT_TTL_NANOS = 5_000_000_000L;
  /** Client packets (the SYN counted) after which a TCP flow without payload counts as real. */
  static final int CONFIRM_PACKETS = 4;

  private final AtomicReference<ForwardingTable> tables;
  /** This engine's index among the workers: its connections and counts are that worker's. */
  private final int worker;
  private final LongSupplier clock;
  private final EngineCounters counters = new EngineCounters();
  private final ConnectionTable connections;
  private final FragmentTable fragments;
  private final NeighborTable neighbours = new NeighborTable(NEIGHBOUR_CAPACITY);
  private final NeighbourOutput output;
  private final ArpResponder arp;
  private final DirectRoutingTransmitter dr;
  private static final int FULLNAT = ForwardingMode.FULLNAT.ordinal();
  private final NatTransmitter nat;
  private final FullNatTransmitter fullNat;
  private final LocalPorts localPorts;
  private final TunnelTransmitter tun;
  private final PacketPort port;
  private final Announcer announcer;
  private final SyncSender sync;
  private final SyncReceiver syncReceiver;
  private final byte[] advertisement = new byte[MAX_FRAME];
  private final BooleanSupplier linkUp;
  private final Workers workers;
  /** Worker 0: the one that receives ARP, VRRP and sync, and announces. */
  private final boolean primary;
  private final PairMailbox.Reader onAsk = this::asked;
  private final PairMailbox.Reader onNews = this::told;
  private final FrameHandler onSyncMessage = this::passedOn;
  /** The clock and table while the mailboxes are read ({@link #exchange}). */
  private long exchangeNow;
  private ForwardingTable exchangeTable;
  private long dumpsSeen;

  private ForwardingTable seen;
  /** The offload of the frame being handled (the engine runs on one thread). */
  private Offload rx = Offload.NONE;
  private long mac;
  private int[] garpVips = new int[0];
  private long garpRepeatAt;
  private long garpRefreshAt;
  private volatile EngineSnapshot snapshot = EngineSnapshot.EMPTY;
  private volatile boolean reannounce;
  private volatile boolean resigning;
  private long evictedSeen;
  private long evictedConfirmedSeen;

  public Engine(PacketPort port, AtomicReference<ForwardingTable> tables, int connectionCapacity, LongSupplier clock) {
    this(port, tables, connectionCapacity, clock, new LocalPorts());
  }

  /** @param localPorts the ports FULLNAT connections leave from */
  public Engine(PacketPort port, AtomicReference<ForwardingTable> tables, int connectionCapacity, LongSupplier clock,
      LocalPorts localPorts) {
    this(port, tables, connectionCapacity, clock, localPorts, Workers.single(), 0);
  }

  /**
   * @param workers what the workers of this director share (docs/architecture.md, "Workers")
   * @param worker this engine's index among them: its connections count in that worker's stripe
   *     of each real server's counters; worker 0 runs ARP, the announcer and the sync receiver
   */
  public Engine(PacketPort port, AtomicReference<ForwardingTable> tables, int connectionCapacity, LongSupplier clock,
      LocalPorts localPorts, Workers workers, int worker) {
    if (worker < 0 || worker >= workers.count()) {
      throw new IllegalArgumentException("worker " + worker + " of " + workers.count());
    }
    this.port = port;
    this.tables = tables;
    this.clock = clock;
    this.worker = worker;
    this.workers = workers;
    this.primary = worker == 0;
    java.security.SecureRandom random = new java.security.SecureRandom();
    this.connections = new ConnectionTable(connectionCapacity, random.nextInt(), worker);
    this.fragments = new FragmentTable(FRAGMENT_SLOTS, random.nextInt());
    PendingFrames pending = new PendingFrames(PENDING_SLOTS, MAX_FRAME + Ipv4Header.MIN_LENGTH, PENDING_PER_NEIGHBOUR);
    this.output = new NeighbourOutput(port, neighbours, pending, counters);
    this.arp = new ArpResponder(neighbours, output, counters);
    this.dr = new DirectRoutingTransmitter(output, counters);
    this.nat = new NatTransmitter(output, counters);
    this.fullNat = new FullNatTransmitter(output, counters);
    this.localPorts = localPorts;
    this.tun = new TunnelTransmitter(output, counters, MAX_FRAME);
    this.announcer = new Announcer(counters);
    this.sync = new SyncSender(output, counters, MAX_FRAME);
    this.syncReceiver = new SyncReceiver(counters, worker, workers.count());
    this.linkUp = port::linkUp;
    if (!primary) {
      arp.askThrough((ip, source, important) -> workers.ask(worker, ip, source, important));
    } else if (workers.count() > 1) {
      arp.tellTo((ip, hopMac, opportunistic) -> workers.tell(-1, ip, hopMac, opportunistic));
    }
  }

  @Override
  public void onFrame(byte[] f, int len) {
    onFrame(f, len, Offload.NONE);
  }

  /** A frame with its offload ({@link OffloadedFrames#settle settled} by the port): handed on as it came. */
  @Override
  public void onFrame(byte[] f, int len, Offload offload) {
    rx = offload;
    counters.inc(Counter.RX_FRAMES);
    if (offload.gso()) {
      counters.inc(Counter.GSO_FRAMES);
    }
    counters.add(Counter.RX_BYTES, len);
    ForwardingTable t = tables.get();
    if (t == null) {
      counters.inc(Counter.IGNORED);
      return;
    }
    long now = clock.getAsLong();
    if (len < Ethernet.HEADER_LENGTH) {
      counters.drop(DropReason.MALFORMED);
      return;
    }
    int type = Ethernet.etherType(f);
    if (!primary && (type == Ethernet.TYPE_ARP || Ethernet.destination(f) == Vrrp.GROUP_MAC
        || Ethernet.destination(f) == IpvsSync.GROUP_MAC)) {
      counters.inc(Counter.IGNORED); // worker 0's (the fanout program sends them there)
      return;
    }
    if (type == Ethernet.TYPE_ARP) {
      arp.handle(f, len, announcer.announced(), t.dips(), t.owned(), t.routes(), now);
      return;
    }
    if (type == Ethernet.TYPE_IPV4 && Ethernet.destination(f) == Vrrp.GROUP_MAC) {
      vrrp(f, len, now);
      return;
    }
    if (type == Ethernet.TYPE_IPV4 && Ethernet.destination(f) == IpvsSync.GROUP_MAC) {
      if (Ethernet.source(f) == mac || !t.announce().elected()) {
        counters.inc(Counter.IGNORED); // our own, handed back by a capture; or no peers to hear
      } else if (syncReceiver.received(f, Ethernet.HEADER_LENGTH, len - Ethernet.HEADER_LENGTH, t, connections,
          now)) {
        workers.passOn(f, len); // each worker installs the entries of its own connections
      }
      return;
    }
    if (type != Ethernet.TYPE_IPV4 || Ethernet.destination(f) != mac) {
      // IPv6, LLDP, multicast...: the node's business, not ours
      counters.inc(Counter.IGNORED);
      return;
    }
    ipv4(f, len, t, now);
  }

  private void ipv4(byte[] f, int len, ForwardingTable t, long now) {
    final int l3 = Ethernet.HEADER_LENGTH;
    if (len < l3 + Ipv4Header.MIN_LENGTH || Ipv4Header.version(f, l3) != 4) {
      counters.drop(DropReason.MALFORMED);
      return;
    }
    int ihl = Ipv4Header.headerLength(f, l3);
    int total = Ipv4Header.totalLength(f, l3);
    if (ihl < Ipv4Header.MIN_LENGTH || total < ihl || l3 + total > len) {
      counters.drop(DropReason.MALFORMED);
      return;
    }
    int frameLength = l3 + total; // drops Ethernet padding
    int dst = Ipv4Header.destination(f, l3);
    int src = Ipv4Header.source(f, l3);
    int protocol = Ipv4Header.protocol(f, l3);
    if (t.vips().contains(dst)) {
      // a FULLNAT real server answering the VIP it was reached from, or a client of the VIP
      if (!t.fullNatVipRealServers().contains(src)
          || !fullNatReply(f, frameLength, l3, ihl, total, src, dst, protocol, false, t, now)) {
        toVip(f, frameLength, l3, ihl, total, src, dst, protocol, t, now);
      }
    } else if (dst == t.localAddress() && t.fullNatRealServers().contains(src) && fullNatReply(f, frameLength, l3, ihl,
        total, src, dst, protocol, true, t, now)) {
      return;
    } else if (t.owned().contains(dst)) {
      toDirector(f, frameLength, l3, ihl, total, src, protocol, t, now);
    } else if ((protocol == Ipv4Header.PROTO_TCP || protocol == Ipv4Header.PROTO_UDP
        || protocol == Ipv4Header.PROTO_ICMP) && t.natRealServers().contains(src) && !t.kernelLocal().contains(dst)) {
      natReply(f, frameLength, l3, ihl, total, src, dst, protocol, t, now);
    } else {
      counters.inc(Counter.IGNORED);
    }
  }

  /** A VRRP advertisement of a peer (docs/architecture.md, "Director liveness"). */
  private void vrrp(byte[] f, int len, long now) {
    final int l3 = Ethernet.HEADER_LENGTH;
    if (Ethernet.source(f) == mac) {
      counters.inc(Counter.IGNORED); // our own, as a capture that sees outgoing frames hands it back
      return;
    }
    if (len < l3 + Ipv4Header.MIN_LENGTH || Ipv4Header.version(f, l3) != 4
        || Ipv4Header.protocol(f, l3) != Vrrp.IP_PROTOCOL) {
      counters.inc(Counter.IGNORED); // other multicast to that group MAC: not ours to judge
      return;
    }
    int ihl = Ipv4Header.headerLength(f, l3);
    int total = Ipv4Header.totalLength(f, l3);
    if (ihl < Ipv4Header.MIN_LENGTH || total < ihl || l3 + total > len || !Ipv4Header.checksumValid(f, l3)) {
      counters.drop(DropReason.VRRP_MALFORMED);
      return;
    }
    announcer.received(f, l3, l3 + ihl, total - ihl, now);
  }

  private boolean headerOk(byte[] f, int l3) {
    if (!Ipv4Header.checksumValid(f, l3)) {
      counters.drop(DropReason.BAD_IP_CHECKSUM);
      return false;
    }
    return true;
  }

  private void toVip(
      byte[] f, int frameLength, int l3, int ihl, int total, int src, int dst, int protocol, ForwardingTable t,
      long now) {
    if (!headerOk(f, l3)) {
      return;
    }
    int fragment = Ipv4Header.flagsAndOffset(f, l3) & (Ipv4Header.FLAG_MF | Ipv4Header.FRAGMENT_OFFSET_MASK);
    if ((fragment & Ipv4Header.FRAGMENT_OFFSET_MASK) != 0) {
      laterFragment(FragmentTable.INBOUND, f, frameLength, l3, src, dst, protocol, t, now);
      return;
    }
    if (protocol == Ipv4Header.PROTO_ICMP) {
      if (fragment != 0) {
        counters.drop(DropReason.IP_FRAGMENT);
      } else {
        icmpToVip(f, frameLength, l3, ihl, total, src, t, now);
      }
      return;
    }
    if (protocol != Ipv4Header.PROTO_TCP && protocol != Ipv4Header.PROTO_UDP) {
      counters.drop(DropReason.UNSUPPORTED_PROTOCOL);
      return;
    }
    int l4 = l3 + ihl;
    if (total - ihl < Transport.minimumLength(protocol)) {
      counters.drop(DropReason.MALFORMED);
      return;
    }
    int sport = Transport.sourcePort(f, l4);
    int dport = Transport.destinationPort(f, l4);
    boolean tcp = protocol == Ipv4Header.PROTO_TCP;
    int flags = tcp ? Transport.tcpFlags(f, l4) : 0;
    int c = connections.lookupIn(protocol, src, sport, dst, dport, now);
    if (c == ConnectionTable.NONE) {
      // verified once per connection, not per packet: catches offloaded (partial) checksums early;
      // a first fragment holds only part of what its checksum covers
      if (fragment == 0 && !rx.checksumTrusted() && !Transport.checksumValid(f, l3, l4, protocol, total - ihl)) {
        counters.drop(DropReason.BAD_L4_CHECKSUM);
        return;
      }
      c = newConnection(protocol, src, sport, dst, dport, flags, t, now);
      if (c == ConnectionTable.NONE) {
        return;
      }
    } else if (tcp) {
      int direction = sees(connections.method(c)) ? TcpStateMachine.DIR_INPUT : TcpStateMachine.DIR_INPUT_ONLY;
      TcpState next = TcpStateMachine.next(direction, connections.state(c), flags);
      long timeout = t.timeouts().tcp(next);
      if (next == TcpState.ESTABLISHED && !connections.confirmed(c)) {
        // a blind spoofer can complete a handshake the director only half sees (SYN, then any
        // ACK); a client that sends data, or keeps acknowledging, is real. Until then the entry
        // lives as long as a half-open one and goes first when the table is full
        if (total - ihl > Transport.tcpHeaderLength(f, l4) || connections.seen(c) >= CONFIRM_PACKETS) {
          connections.confirm(c);
        } else if (connections.size() > connections.capacity() / 2) {
          // under pressure only: an idle pooled connection on a quiet director keeps its entry
          timeout = t.timeouts().tcp(TcpState.SYN_RECV);
        }
      }
      connections.update(c, next, timeout, now);
      sync.note(connections, c, t.services(), now);
    } else {
      if (!connections.confirmed(c) && connections.seen(c) >= 2) {
        connections.confirm(c);
      }
      connections.update(c, TcpState.NONE, t.timeouts().udp(), now);
      sync.note(connections, c, t.services(), now);
    }
    Destination d = connections.destination(c);
    d.stats().sent(worker, total);
    int method = connections.method(c);
    RouteTable routes = t.routes();
    if (fragment != 0) {
      // the first fragment: the rest of the datagram follows it to the same real server (in
      // FULLNAT from the same local address)
      fragments.note(FragmentTable.INBOUND, src, dst, protocol, Ipv4Header.id(f, l3), d.address(),
          method == FULLNAT ? connections.localIp(c) : 0, method, FRAGMENT_TTL_NANOS, now);
    }
    if (method == ForwardingMode.DR.ordinal()) {
      dr.transmit(f, frameLength, d.address(), routes, now, rx);
    } else if (method == ForwardingMode.NAT.ordinal()) {
      nat.inbound(f, frameLength, l3, l4, protocol, d.address(), connections.realPort(c), routes, now, rx);
    } else if (method == FULLNAT) {
      fullNat.inbound(f, frameLength, l3, l4, protocol, connections.localIp(c), connections.localPort(c), d.address(),
          connections.realPort(c), routes, now, rx);
    } else {
      tun.transmit(f, l3, d.address(), t.iface().mtu(), routes, now, rx);
    }
  }

  private int newConnection(
      int protocol, int src, int sport, int dst, int dport, int flags, ForwardingTable t, long now) {
    VirtualService svc = t.services().lookup(protocol, dst, dport);
    if (svc == null) {
      counters.drop(DropReason.NO_SERVICE);
      return ConnectionTable.NONE;
    }
    boolean tcp = protocol == Ipv4Header.PROTO_TCP;
    // as IPVS: only a SYN opens a TCP connection; anything else has lost its entry, and is taken
    // on only where every director would have scheduled it alike (a flow of a director that failed)
    boolean adopted = false;
    if (tcp && (flags & (Transport.TCP_SYN | Transport.TCP_ACK | Transport.TCP_RST)) != Transport.TCP_SYN) {
      if ((flags & (Transport.TCP_SYN | Transport.TCP_RST)) != 0 || !svc.scheduler().consistent()) {
        counters.drop(DropReason.NO_CONNECTION);
        return ConnectionTable.NONE;
      }
      adopted = true;
    }
    Destination d = svc.persistenceNanos() > 0 ? persistent(svc, src, dst, now) : svc.scheduler().schedule(src, sport);
    if (d == null) {
      counters.drop(DropReason.NO_DESTINATION);
      return ConnectionTable.NONE;
    }
    int rport = d.port() == 0 ? dport : d.port();
    boolean natMode = svc.mode() == ForwardingMode.NAT;
    boolean fullNatMode = svc.mode() == ForwardingMode.FULLNAT;
    int lip = src;
    int lport = sport;
    if (fullNatMode) {
      lip = svc.localAddress();
      if (adopted) {
        // only the port every director tries first for this flow, from the VIP, can be the one
        // its real server knows; were it taken here, any other would be news to the real server
        lport = localPorts.flowPort(src, sport, rport);
        if (lip != svc.vip() || !localPorts.free(connections, protocol, d.address(), rport, lip, lport, now)) {
          counters.drop(DropReason.NO_CONNECTION);
          return ConnectionTable.NONE;
        }
      } else {
        lport = localPorts.pick(connections, protocol, d.address(), rport, lip, src, sport, now);
      }
      if (lport < 0) {
        counters.drop(DropReason.FULLNAT_PORTS_EXHAUSTED);
        return ConnectionTable.NONE;
      }
    }
    TcpState state = tcp
        ? TcpStateMachine.next(natMode || fullNatMode ? TcpStateMachine.DIR_INPUT : TcpStateMachine.DIR_INPUT_ONLY,
            TcpState.NONE, flags)
        : TcpState.NONE;
    // an adopted flow lives as long as a half-open one until it shows it is real (data): a blind
    // flood of ACKs cannot fill the table for long
    long timeout = adopted ? t.timeouts().tcp(TcpState.SYN_RECV)
        : tcp ? t.timeouts().tcp(state) : t.timeouts().udp();
    int c = connections.insert(protocol, src, sport, dst, dport, d, rport, lip, lport, svc.mode().ordinal(), state,
        timeout, natMode || fullNatMode, now);
    countEviction();
    counters.inc(adopted ? Counter.CONNECTIONS_ADOPTED : Counter.CONNECTIONS_CREATED);
    return c;
  }

  private void countEviction() {
    long e = connections.evictedCount();
    if (e != evictedSeen) {
      counters.add(Counter.CONNECTIONS_EVICTED, e - evictedSeen);
      evictedSeen = e;
      long confirmed = connections.evictedConfirmedCount();
      counters.add(Counter.CONFIRMED_CONNECTIONS_EVICTED, confirmed - evictedConfirmedSeen);
      evictedConfirmedSeen = confirmed;
    }
  }

  /** Client-IP affinity: the template sends a returning client to the same real server. */
  private Destination persistent(VirtualService svc, int src, int vip, long now) {
    int tpl = connections.lookupIn(ConnectionTable.TEMPLATE, src, 0, vip, svc.port(), now);
    if (tpl != ConnectionTable.NONE) {
      Destination old = connections.destination(tpl);
      Destination d = svc.destinationFor(old.address(), old.port());
      if (d != null && d.available()) {
        connections.update(tpl, TcpState.NONE, svc.persistenceNanos(), now);
        counters.inc(Counter.PERSISTENCE_HITS);
        return d;
      }
      connections.remove(tpl);
    }
    Destination d = svc.scheduler().schedule(src, 0);
    if (d != null) {
      connections.insert(ConnectionTable.TEMPLATE, src, 0, vip, svc.port(), d, d.port(), svc.mode().ordinal(),
          TcpState.NONE, svc.persistenceNanos(), false, now);
    }
    return d;
  }

  private void natReply(
      byte[] f, int frameLength, int l3, int ihl, int total, int src, int dst, int protocol, ForwardingTable t,
      long now) {
    int fragment = Ipv4Header.flagsAndOffset(f, l3) & (Ipv4Header.FLAG_MF | Ipv4Header.FRAGMENT_OFFSET_MASK);
    if ((fragment & Ipv4Header.FRAGMENT_OFFSET_MASK) != 0) {
      laterFragment(FragmentTable.OUTBOUND, f, frameLength, l3, src, dst, protocol, t, now);
      return;
    }
    if (protocol == Ipv4Header.PROTO_ICMP) {
      if (fragment != 0) {
        counters.drop(DropReason.IP_FRAGMENT);
      } else {
        icmpFromRealServer(f, frameLength, l3, ihl, total, t, now);
      }
      return;
    }
    int l4 = l3 + ihl;
    if (total - ihl < Transport.minimumLength(protocol)) {
      counters.drop(DropReason.MALFORMED);
      return;
    }
    int sport = Transport.sourcePort(f, l4);
    int dport = Transport.destinationPort(f, l4);
    int c = connections.lookupOut(protocol, src, sport, dst, dport, now);
    if (c == ConnectionTable.NONE) {
      c = adoptReply(f, l3, l4, total - ihl, protocol, src, sport, dst, dport, t, now);
      if (c == ConnectionTable.NONE) {
        // the real server talking to someone else, or a flow we forgot: the kernel rule drops it
        counters.drop(DropReason.NO_CONNECTION);
        return;
      }
    }
    if (protocol == Ipv4Header.PROTO_TCP) {
      TcpState next = TcpStateMachine.next(TcpStateMachine.DIR_OUTPUT, connections.state(c), Transport.tcpFlags(f, l4));
      connections.update(c, next, t.timeouts().tcp(next), now);
    } else {
      connections.update(c, TcpState.NONE, t.timeouts().udp(), now);
    }
    sync.note(connections, c, t.services(), now);
    Destination d = connections.destination(c);
    d.stats().sent(worker, total);
    if (fragment != 0) {
      fragments.note(FragmentTable.OUTBOUND, src, dst, protocol, Ipv4Header.id(f, l3), connections.virtualIp(c),
          ForwardingMode.NAT.ordinal(), FRAGMENT_TTL_NANOS, now);
    }
    nat.outbound(f, frameLength, l3, l4, protocol, connections.virtualIp(c), connections.virtualPort(c), t.routes(),
        now, rx);
  }

  /**
   * A reply of a NAT connection this director has no entry for, as after it took the VIP over:
   * when exactly one service with a hash scheduler sends that client to that real server, the
   * connection is adopted from this side (its client may wait for this very reply before it
   * sends again). Checked first: intact, not a reset, not a real server's own connection.
   */
  private int adoptReply(byte[] f, int l3, int l4, int l4Length, int protocol, int rip, int rport, int client,
      int cport, ForwardingTable t, long now) {
    boolean tcp = protocol == Ipv4Header.PROTO_TCP;
    if (tcp && (Transport.tcpFlags(f, l4) & (Transport.TCP_RST | Transport.TCP_ACK)) != Transport.TCP_ACK) {
      return ConnectionTable.NONE; // a reset, or a real server opening a connection of its own
    }
    VirtualService svc = t.natOrigins().find(protocol, rip, rport, client, cport);
    if (svc == null || (Ipv4Header.flagsAndOffset(f, l3) & Ipv4Header.FLAG_MF) == 0 && !rx.checksumTrusted()
        && !Transport.checksumValid(f, l3, l4, protocol, l4Length)) {
      return ConnectionTable.NONE;
    }
    Destination d = svc.destinationFor(rip, svc.port() == 0 ? 0 : rport);
    if (d == null) {
      return ConnectionTable.NONE;
    }
    int vport = svc.port() == 0 ? rport : svc.port();
    TcpState state = tcp ? TcpState.ESTABLISHED : TcpState.NONE;
    long timeout = tcp ? t.timeouts().tcp(TcpState.SYN_RECV) : t.timeouts().udp();
    int c = connections.insert(protocol, client, cport, svc.vip(), vport, d, rport, ForwardingMode.NAT.ordinal(), state,
        timeout, true, now);
    countEviction();
    counters.inc(Counter.CONNECTIONS_ADOPTED);
    return c;
  }

  /**
   * A fragment after the first: no ports, so it goes where its first fragment went (and is
   * translated at the IP level only). One whose first fragment was not seen is dropped, never
   * passed on untranslated.
   */
  private void laterFragment(int direction, byte[] f, int frameLength, int l3, int src, int dst, int protocol,
      ForwardingTable t, long now) {
    int slot = fragments.find(direction, src, dst, protocol, Ipv4Header.id(f, l3), now);
    if (slot < 0) {
      counters.drop(DropReason.IP_FRAGMENT);
      return;
    }
    int to = fragments.target(slot);
    int method = fragments.method(slot);
    RouteTable routes = t.routes();
    if (method == FULLNAT) {
      fullNat.fragment(f, frameLength, l3, fragments.source(slot), to, direction == FragmentTable.OUTBOUND, routes,
          now);
    } else if (direction == FragmentTable.OUTBOUND) {
      nat.outboundFragment(f, frameLength, l3, to, routes, now);
    } else if (method == ForwardingMode.DR.ordinal()) {
      dr.transmit(f, frameLength, to, routes, now, rx);
    } else if (method == ForwardingMode.NAT.ordinal()) {
      nat.inboundFragment(f, frameLength, l3, to, routes, now);
    } else {
      tun.transmit(f, l3, to, t.iface().mtu(), routes, now, rx);
    }
  }

  /**
   * An ICMP message to a VIP: echo requests are answered; an error about a packet that left from
   * the VIP (a router's fragmentation-needed on the client's path, an unreachable client) is
   * passed to the real server of that connection, as IPVS's ip_vs_in_icmp does: untouched in DR
   * and TUN (the real server holds the VIP), translated in NAT. Path MTU discovery depends on it.
   */
  private void icmpToVip(byte[] f, int frameLength, int l3, int ihl, int total, int src, ForwardingTable t, long now) {
    int o = l3 + ihl;
    if (total - ihl < Icmp.HEADER_LENGTH) {
      counters.drop(DropReason.MALFORMED);
      return;
    }
    int type = Icmp.type(f, o);
    if (type == Icmp.TYPE_ECHO_REQUEST) {
      echo(f, frameLength, l3, ihl, total, src, t, now);
      return;
    }
    if (!Icmp.isError(type)) {
      counters.drop(DropReason.UNSUPPORTED_PROTOCOL);
      return;
    }
    int e = quotedPacket(f, l3, ihl, total);
    if (e < 0) {
      return;
    }
    int el4 = e + Ipv4Header.headerLength(f, e);
    int eproto = Ipv4Header.protocol(f, e);
    // the quoted packet went from VIP:vport to the client
    int c = connections.lookupIn(eproto, Ipv4Header.destination(f, e), Transport.destinationPort(f, el4),
        Ipv4Header.source(f, e), Transport.sourcePort(f, el4), now);
    if (c == ConnectionTable.NONE) {
      counters.drop(DropReason.NO_CONNECTION);
      return;
    }
    Destination d = connections.destination(c);
    int method = connections.method(c);
    RouteTable routes = t.routes();
    counters.inc(Counter.ICMP_ERRORS_FORWARDED);
    if (method == ForwardingMode.DR.ordinal()) {
      dr.transmit(f, frameLength, d.address(), routes, now, rx);
    } else if (method == ForwardingMode.NAT.ordinal()) {
      nat.inboundIcmpError(f, frameLength, l3, o, e, el4, total - ihl, d.address(), connections.realPort(c), routes,
          now);
    } else if (method == FULLNAT) {
      fullNat.inboundIcmpError(f, frameLength, l3, o, e, el4, total - ihl, connections.localIp(c),
          connections.localPort(c), d.address(), connections.realPort(c), routes, now);
    } else {
      tun.transmit(f, l3, d.address(), t.iface().mtu(), routes, now, rx);
    }
  }

  /**
   * An ICMP error from a NAT real server about a packet of a connection (a port unreachable for a
   * client's datagram): translated back, as ip_vs_out_icmp does, so the client sees it come from
   * the VIP about the VIP.
   */
  private void icmpFromRealServer(byte[] f, int frameLength, int l3, int ihl, int total, ForwardingTable t,
      long now) {
    int o = l3 + ihl;
    if (total - ihl < Icmp.HEADER_LENGTH) {
      counters.drop(DropReason.MALFORMED);
      return;
    }
    if (!Icmp.isError(Icmp.type(f, o))) {
      // a real server's own ping or reply: the node's business (the kernel guard lets it pass)
      counters.inc(Counter.IGNORED);
      return;
    }
    int e = quotedPacket(f, l3, ihl, total);
    if (e < 0) {
      return;
    }
    int el4 = e + Ipv4Header.headerLength(f, e);
    int eproto = Ipv4Header.protocol(f, e);
    // the quoted packet went from the client to RIP:rport
    int c = connections.lookupOut(eproto, Ipv4Header.destination(f, e), Transport.destinationPort(f, el4),
        Ipv4Header.source(f, e), Transport.sourcePort(f, el4), now);
    if (c == ConnectionTable.NONE) {
      counters.drop(DropReason.NO_CONNECTION);
      return;
    }
    counters.inc(Counter.ICMP_ERRORS_FORWARDED);
    nat.outboundIcmpError(f, frameLength, l3, o, e, el4, total - ihl, connections.virtualIp(c),
        connections.virtualPort(c), t.routes(), now);
  }

  /**
   * A frame from a FULLNAT real server to a local address (the node's, or with source VIP the
   * VIP): a reply of a connection (to a port of the local range) or an ICMP error about one.
   * False, having changed nothing, when it is neither (the real server talking to the node, or a
   * client of the VIP): the caller goes on as for any frame. {@code toNode}: a reply to a port of
   * the range that no entry knows is dropped here, as nothing else would take it.
   */
  private boolean fullNatReply(byte[] f, int frameLength, int l3, int ihl, int total, int src, int dst, int protocol,
      boolean toNode, ForwardingTable t, long now) {
    if (protocol == Ipv4Header.PROTO_ICMP) {
      return icmpFromFullNatRealServer(f, frameLength, l3, ihl, total, toNode, t, now);
    }
    int l4 = l3 + ihl;
    if (protocol != Ipv4Header.PROTO_TCP && protocol != Ipv4Header.PROTO_UDP) {
      return false;
    }
    int fragment = Ipv4Header.flagsAndOffset(f, l3) & (Ipv4Header.FLAG_MF | Ipv4Header.FRAGMENT_OFFSET_MASK);
    if ((fragment & Ipv4Header.FRAGMENT_OFFSET_MASK) != 0) {
      // no ports in it: ours only if its first fragment was a reply we translated
      if (fragments.find(FragmentTable.OUTBOUND, src, dst, protocol, Ipv4Header.id(f, l3), now) < 0) {
        return false;
      }
      laterFragment(FragmentTable.OUTBOUND, f, frameLength, l3, src, dst, protocol, t, now);
      return true;
    }
    if (total - ihl < Transport.minimumLength(protocol) || !localPorts.contains(Transport.destinationPort(f, l4))) {
      return false;
    }
    int c = connections.lookupOut(protocol, src, Transport.sourcePort(f, l4), dst, Transport.destinationPort(f, l4),
        now);
    if (c == ConnectionTable.NONE || connections.method(c) != FULLNAT) {
      if (!toNode) {
        return false; // to the VIP: a client's, as far as anyone knows
      }
      // a connection that expired, or one a director before this one made: nothing to translate to
      counters.drop(DropReason.NO_CONNECTION);
      return true;
    }
    if (!headerOk(f, l3)) {
      return true;
    }
    if (protocol == Ipv4Header.PROTO_TCP) {
      TcpState next = TcpStateMachine.next(TcpStateMachine.DIR_OUTPUT, connections.state(c), Transport.tcpFlags(f, l4));
      connections.update(c, next, t.timeouts().tcp(next), now);
    } else {
      connections.update(c, TcpState.NONE, t.timeouts().udp(), now);
    }
    sync.note(connections, c, t.services(), now);
    Destination d = connections.destination(c);
    d.stats().sent(worker, total);
    if (fragment != 0) {
      // the first fragment of a reply: the rest follows it back to the client, from the VIP
      fragments.note(FragmentTable.OUTBOUND, src, dst, protocol, Ipv4Header.id(f, l3), connections.clientIp(c),
          connections.virtualIp(c), FULLNAT, FRAGMENT_TTL_NANOS, now);
    }
    fullNat.outbound(f, frameLength, l3, l4, protocol, connections.virtualIp(c), connections.virtualPort(c),
        connections.clientIp(c), connections.clientPort(c), t.routes(), now, rx);
    return true;
  }

  /** An ICMP error from a FULLNAT real server about a request it got (LIP:lport -> RIP:rport). */
  private boolean icmpFromFullNatRealServer(byte[] f, int frameLength, int l3, int ihl, int total, boolean toNode,
      ForwardingTable t, long now) {
    int o = l3 + ihl;
    if (total - ihl < Icmp.HEADER_LENGTH || !Icmp.isError(Icmp.type(f, o))) {
      return false; // a ping between the real server and the node (or the VIP): not a reply
    }
    if (!toNode && (total - ihl < Icmp.HEADER_LENGTH + Ipv4Header.MIN_LENGTH
        || Ipv4Header.source(f, o + Icmp.HEADER_LENGTH) != Ipv4Header.destination(f, l3))) {
      return false; // to the VIP, about something else than a request the VIP sent: the VIP's ICMP
    }
    int e = quotedPacket(f, l3, ihl, total);
    if (e < 0) {
      return true;
    }
    int el4 = e + Ipv4Header.headerLength(f, e);
    int c = connections.lookupOut(Ipv4Header.protocol(f, e), Ipv4Header.destination(f, e),
        Transport.destinationPort(f, el4), Ipv4Header.source(f, e), Transport.sourcePort(f, el4), now);
    if (c == ConnectionTable.NONE || connections.method(c) != FULLNAT) {
      if (!toNode) {
        return false;
      }
      counters.drop(DropReason.NO_CONNECTION);
      return true;
    }
    counters.inc(Counter.ICMP_ERRORS_FORWARDED);
    fullNat.outboundIcmpError(f, frameLength, l3, o, e, el4, total - ihl, connections.virtualIp(c),
        connections.virtualPort(c), connections.clientIp(c), connections.clientPort(c), t.routes(), now);
    return true;
  }

  /** Whether a connection of this method sees both directions (the TCP state machine's view). */
  private static boolean sees(int method) {
    return method == ForwardingMode.NAT.ordinal() || method == FULLNAT;
  }

  /**
   * The offset of the packet an ICMP error quotes, checked to hold an IPv4 header and the 8 bytes
   * of TCP or UDP ports; -1 (counted) when the message is corrupt or quotes something else.
   */
  private int quotedPacket(byte[] f, int l3, int ihl, int total) {
    if (Checksums.fold(Checksums.sum(f, l3 + ihl, total - ihl)) != 0xffff) {
      // verified before it is passed on, as IPVS does: a corrupt error would carry a wrong MTU
      counters.drop(DropReason.BAD_L4_CHECKSUM);
      return -1;
    }
    int e = l3 + ihl + Icmp.HEADER_LENGTH;
    int room = total - ihl - Icmp.HEADER_LENGTH;
    if (room < Ipv4Header.MIN_LENGTH || Ipv4Header.version(f, e) != 4
        || Ipv4Header.headerLength(f, e) < Ipv4Header.MIN_LENGTH || room < Ipv4Header.headerLength(f, e) + 8) {
      counters.drop(DropReason.MALFORMED);
      return -1;
    }
    int eproto = Ipv4Header.protocol(f, e);
    if (eproto != Ipv4Header.PROTO_TCP && eproto != Ipv4Header.PROTO_UDP) {
      counters.drop(DropReason.UNSUPPORTED_PROTOCOL);
      return -1;
    }
    return e;
  }

  private void toDirector(
      byte[] f, int frameLength, int l3, int ihl, int total, int src, int protocol, ForwardingTable t, long now) {
    if (protocol != Ipv4Header.PROTO_ICMP) {
      counters.drop(DropReason.TO_DIRECTOR);
    } else if (headerOk(f, l3)) {
      echo(f, frameLength, l3, ihl, total, src, t, now);
    }
  }

  /** Answers an echo request in place: addresses swapped, type 0, fresh TTL. */
  private void echo(byte[] f, int frameLength, int l3, int ihl, int total, int src, ForwardingTable t, long now) {
    int o = l3 + ihl;
    if (total - ihl < Icmp.HEADER_LENGTH || Icmp.type(f, o) != Icmp.TYPE_ECHO_REQUEST) {
      counters.drop(DropReason.UNSUPPORTED_PROTOCOL);
      return;
    }
    int dst = Ipv4Header.destination(f, l3);
    // swapping the two addresses leaves the header's one's complement sum unchanged
    Bytes.put32(f, l3 + 12, dst);
    Bytes.put32(f, l3 + 16, src);
    int oldWord = Bytes.u16(f, l3 + 8);
    Bytes.put8(f, l3 + 8, ECHO_TTL);
    Bytes.put16(f, l3 + 10,
        Checksums.update16(Ipv4Header.checksum(f, l3), oldWord, Bytes.u16(f, l3 + 8)));
    Icmp.echoRequestToReply(f, o);
    if (output.send(f, frameLength, src, t.routes(), now)) {
      counters.inc(Counter.ICMP_ECHO_REPLIES_SENT);
    }
  }

  /**
   * Timers, run on the engine thread between polls: notices a new table (gratuitous ARP for new
   * VIPs, early resolution of real servers), retries ARP, expires parked frames, sweeps
   * connections, publishes a snapshot for the state view.
   */
  public void tick() {
    long now = clock.getAsLong();
    ForwardingTable t = tables.get();
    if (t == null) {
      return;
    }
    if (t != seen) {
      adopt(t, now);
      seen = t;
    }
    if (primary) {
      announce(now);
      if (reannounce) {
        reannounce = false;
        announceAll(now);
      }
      if (garpVips.length > 0 && now - garpRepeatAt >= 0) {
        for (int vip : garpVips) {
          arp.gratuitous(vip);
        }
        garpVips = new int[0];
      }
      workers.announced(announcer.announced(), announcer.announcedList());
    }
    RouteTable routes = t.routes();
    neighbours.expire(now, NEIGHBOUR_LIFETIME_NANOS, ARP_MAX_REQUESTS, NeighbourOutput.RETRY_NANOS,
        NeighborTable.RECONFIRM_NANOS,
        ip -> arp.request(ip, routes.sourceFor(ip)));
    int dropped = output.expirePending(now, PENDING_MAX_AGE_NANOS);
    for (int i = 0; i < dropped; i++) {
      counters.drop(DropReason.NEIGHBOUR_UNRESOLVED);
    }
    if (primary && announcer.peerAppeared()) {
      workers.dump();
    }
    if (workers.dumps() != dumpsSeen) {
      dumpsSeen = workers.dumps();
      sync.startDump(connections.capacity());
    }
    sync.tick(connections, t.services(), workers.announced(), now);
    long expiredBefore = connections.expiredCount();
    connections.sweep(now, SWEEP_BUDGET);
    counters.add(Counter.CONNECTIONS_EXPIRED, connections.expiredCount() - expiredBefore);
    snapshot = new EngineSnapshot(t.generation(), connections.size(), connections.unconfirmed(),
        neighbours.entries(), workers.announcedList(), workers.announced(),
        primary ? announcer.selfPriority() : -1);
  }

  /**
   * Reads what the other workers sent this one (docs/architecture.md, "Workers"), between two
   * batches: on worker 0 the resolutions the others ask for, on the others the neighbours worker
   * 0 learnt and the sync messages it received. Nothing to do with one worker.
   */
  public void exchange() {
    if (workers.count() == 1) {
      return;
    }
    exchangeNow = clock.getAsLong();
    exchangeTable = tables.get();
    if (primary) {
      workers.readAsks(onAsk);
    } else {
      workers.readNews(worker, onNews);
      workers.readSyncFrames(worker, onSyncMessage);
    }
  }

  /** Worker 0: another worker needs {@code ip}'s MAC; what it knows, or an ARP request of its own. */
  private void asked(long first, long source) {
    int ip = Workers.askedIp(first);
    long known = neighbours.lookup(ip);
    if (known != MacAddress.NONE) {
      workers.tell(Workers.askedBy(first), ip, known, neighbours.opportunistic(ip));
    } else if (neighbours.shouldRequest(ip, exchangeNow, NeighbourOutput.RETRY_NANOS, Workers.askedImportant(first))) {
      arp.request(ip, (int) source);
    }
  }

  /** Another worker: a neighbour worker 0 learnt. */
  private void told(long first, long hopMac) {
    arp.learnt(Workers.toldIp(first), hopMac, Workers.toldOpportunistic(first), exchangeNow);
  }

  /** Another worker: a sync message worker 0 received and checked; the entries of this worker's connections. */
  private void passedOn(byte[] f, int len) {
    ForwardingTable t = exchangeTable;
    if (t != null && t.announce().elected()) {
      syncReceiver.received(f, Ethernet.HEADER_LENGTH, len - Ethernet.HEADER_LENGTH, t, connections, exchangeNow);
    }
  }

  /**
   * Liveness and ownership: this director's advertisement when one is due, a decision when a
   * director's state changed, gratuitous ARP for what it announces now that it did not (twice, a
   * second apart, for neighbours that missed the first) and for everything it announces every
   * {@link #GARP_REFRESH_NANOS}.
   */
  private void announce(long now) {
    if (resigning) {
      announcer.resign(now, HANDOVER_BOUND_NANOS);
    }
    if (announcer.tick(now, linkUp)) {
      int[] fresh = announcer.fresh();
      for (int vip : fresh) {
        arp.gratuitous(vip);
      }
      garpVips = fresh;
      garpRepeatAt = now + GARP_REPEAT_NANOS;
    }
    int n = announcer.advertisement(advertisement, now, mac);
    if (n > 0) {
      output.transmit(advertisement, n);
    }
    if (now - garpRefreshAt >= 0) {
      if (garpRefreshAt != 0) {
        for (int vip : announcer.announcedList()) {
          arp.gratuitous(vip);
        }
      }
      garpRefreshAt = now + GARP_REFRESH_NANOS;
    }
  }

  private void adopt(ForwardingTable t, long now) {
    mac = t.iface().mac();
    output.mac(mac);
    arp.mac(mac);
    if (primary) {
      announcer.plan(t.announce(), now);
    }
    sync.configure(t.announce().elected() && t.announce().selfRouterId() != 0, t.announce().selfAddress(),
        t.announce().selfRouterId(), t.iface().mtu(), mac);
    for (VirtualService s : t.serviceList()) {
      for (Destination d : s.destinations()) {
        resolve(d.address(), t.routes(), now);
      }
    }
    for (RouteTable.Route r : t.routes().routes()) {
      if (r.gateway() != 0) {
        resolve(r.gateway(), t.routes(), now);
      }
    }
  }

  /**
   * Asks for gratuitous ARP for every VIP it announces (twice, a second apart), as after a link
   * came back: the segment's caches may have forgotten us or learned another owner meanwhile.
   * Any thread.
   */
  public void requestReannounce() {
    reannounce = true;
  }

  /**
   * This director is stopping: it tells its peers (priority 0) and announces nothing once each of
   * its addresses has a live director of its order to take it (at most {@link
   * #HANDOVER_BOUND_NANOS} later; see {@link Announcer#resign}). Any thread; for a graceful stop.
   */
  public void resign() {
    resigning = true;
  }

  /** True once it resigned after {@link #resign()}. Any thread. */
  public boolean handedOver() {
    return tables.get() == null || announcer.handedOver();
  }

  private void announceAll(long now) {
    garpVips = announcer.announcedList();
    for (int vip : garpVips) {
      arp.gratuitous(vip);
    }
    garpRepeatAt = now + GARP_REPEAT_NANOS;
  }

  private void resolve(int ip, RouteTable routes, long now) {
    int hop = routes.nextHop(ip);
    if (hop == RouteTable.NO_ROUTE) {
      return;
    }
    if (neighbours.lookup(hop) != MacAddress.NONE) {
      neighbours.want(hop); // learnt from its own ARP before we asked: ours now, confirmed soon
    } else if (neighbours.shouldRequest(hop, now, NeighbourOutput.RETRY_NANOS)) {
      arp.request(hop, routes.sourceFor(hop));
    }
  }

  public EngineCounters counters() {
    return counters;
  }

  /** What this engine shares with the other workers of its director. */
  public Workers workers() {
    return workers;
  }

  public ConnectionTable connections() {
    return connections;
  }

  /** What the state view shows; published by {@link #tick()}, safe to read from any thread. */
  public EngineSnapshot snapshot() {
    return snapshot;
  }

  public long droppedByCapture() {
    return port.droppedByCapture();
  }
}
