package io.lvsoperator.dataplane.lvs.sync;

import io.lvsoperator.api.v1alpha1.ForwardingMode;
import io.lvsoperator.dataplane.codec.Bytes;
import io.lvsoperator.dataplane.codec.IpvsSync;
import io.lvsoperator.dataplane.codec.Ipv4Header;
import io.lvsoperator.dataplane.codec.Transport;
import io.lvsoperator.dataplane.control.FanoutHash;
import io.lvsoperator.dataplane.control.ForwardingTable;
import io.lvsoperator.dataplane.control.IntSet;
import io.lvsoperator.dataplane.lvs.conn.ConnectionTable;
import io.lvsoperator.dataplane.lvs.conn.TcpState;
import io.lvsoperator.dataplane.lvs.service.Destination;
import io.lvsoperator.dataplane.lvs.service.ServiceTable;
import io.lvsoperator.dataplane.lvs.service.VirtualService;
import io.lvsoperator.dataplane.stats.Counter;
import io.lvsoperator.dataplane.stats.DropReason;
import io.lvsoperator.dataplane.stats.EngineCounters;

/**
 * Installs the connections another director sent (docs/architecture.md, "Connection sync"), so
 * that what it forwarded goes on through this one after a takeover, in every mode and with every
 * scheduler. Accepted only from a configured peer's address; an entry for a service or real
 * server this director does not have (a configuration not yet the same everywhere) is counted
 * and skipped. An entry this director holds already takes the sender's real server and state:
 * the sender forwarded that flow. Installed entries count as real (confirmed), as they were where
 * they came from. A full-NAT entry brings the local address and port its real server answers to
 * (with source VIP, the VIP: the replies come to whoever announces it).
 *
 * <p>With several workers each installs only its own connections (docs/architecture.md,
 * "Workers"): those whose client the fanout hash gives it, and in full-NAT also those whose local
 * port comes back to it (a sender with another number of workers may have chosen one of another
 * worker's share: both workers then hold the entry, each for the direction it receives).
 * Persistence templates go to every worker. Worker 0 receives each message, checks it, counts it
 * and passes it on. Engine thread only; nothing allocated.
 */
public final class SyncReceiver {
  /** The longest timeout an entry is installed with, whatever the message says. */
  static final long MAX_TIMEOUT_SECONDS = 86_400;

  private static final int INSTALLED = 0;
  private static final int UNKNOWN = 1;
  /** Another worker's, or installed here too but counted by the worker its client hashes to. */
  private static final int COUNTED_ELSEWHERE = 2;

  private final EngineCounters counters;
  private final int worker;
  private final int workers;

  public SyncReceiver(EngineCounters counters) {
    this(counters, 0, 1);
  }

  /** The receiver of worker {@code worker} of {@code workers}. */
  public SyncReceiver(EngineCounters counters, int worker, int workers) {
    this.counters = counters;
    this.worker = worker;
    this.workers = workers;
  }

  /**
   * An IPv4 packet to the sync group MAC at {@code l3} ({@code len} bytes of frame from there);
   * accepted from the peers of {@code t}, installed for its services. True when it was a sync
   * message from a peer, whatever became of its entries (worker 0 then passes it on).
   */
  public boolean received(byte[] f, int l3, int len, ForwardingTable t, ConnectionTable table, long now) {
    if (len < Ipv4Header.MIN_LENGTH || Ipv4Header.version(f, l3) != 4) {
      counters.drop(DropReason.SYNC_MALFORMED);
      return false;
    }
    int ihl = Ipv4Header.headerLength(f, l3);
    int total = Ipv4Header.totalLength(f, l3);
    if (ihl < Ipv4Header.MIN_LENGTH || total < ihl + Transport.UDP_LENGTH || total > len
        || !Ipv4Header.checksumValid(f, l3) || Ipv4Header.isFragment(f, l3)) {
      counters.drop(DropReason.SYNC_MALFORMED);
      return false;
    }
    int l4 = l3 + ihl;
    int udpLength = Bytes.u16(f, l4 + 4);
    if (udpLength < Transport.UDP_LENGTH || udpLength > total - ihl
        || !Transport.checksumValid(f, l3, l4, Ipv4Header.PROTO_UDP, udpLength)) {
      counters.drop(DropReason.SYNC_MALFORMED);
      return false;
    }
    if (!t.announce().peerAddresses().contains(Ipv4Header.source(f, l3))) {
      counters.drop(DropReason.SYNC_UNKNOWN_SENDER);
      return false;
    }
    int m = l4 + Transport.UDP_LENGTH;
    if (IpvsSync.malformed(f, m, udpLength - Transport.UDP_LENGTH) != null) {
      counters.drop(DropReason.SYNC_MALFORMED);
      return false;
    }
    if (worker == 0) {
      counters.inc(Counter.SYNC_MESSAGES_RECEIVED);
    }
    int count = IpvsSync.count(f, m);
    for (int i = 0, e = IpvsSync.first(m); i < count; i++, e = IpvsSync.next(f, m, e)) {
      int outcome = install(f, e, t.services(), t.byClientAddress(), table, now);
      if (outcome == INSTALLED) {
        counters.inc(Counter.SYNC_ENTRIES_INSTALLED);
      } else if (outcome == UNKNOWN) {
        counters.drop(DropReason.SYNC_UNKNOWN_SERVICE);
      }
    }
    return true;
  }

  /** Whether the connection's client hashes to this worker (its port too for TCP, unless its VIP goes by address). */
  private boolean clientSide(int protocol, int cip, int cport, boolean byAddress) {
    int port = protocol == Ipv4Header.PROTO_TCP && !byAddress ? cport : 0;
    return workers == 1 || FanoutHash.worker(cip, port, workers) == worker;
  }

  private int install(byte[] f, int e, ServiceTable services, IntSet byClientAddress, ConnectionTable table,
      long now) {
    int protocol = IpvsSync.protocol(f, e);
    int flags = IpvsSync.flags(f, e);
    int vip = IpvsSync.virtualAddress(f, e);
    int vport = IpvsSync.virtualPort(f, e);
    int rip = IpvsSync.realAddress(f, e);
    int rport = IpvsSync.realPort(f, e);
    int cip = IpvsSync.clientAddress(f, e);
    int local = IpvsSync.localOption(f, e);
    if (protocol != Ipv4Header.PROTO_TCP && protocol != Ipv4Header.PROTO_UDP || local == -2) {
      return worker == 0 ? UNKNOWN : COUNTED_ELSEWHERE; // counted once, by worker 0
    }
    boolean template = (flags & IpvsSync.FLAG_TEMPLATE) != 0;
    int cport = IpvsSync.clientPort(f, e);
    boolean clientSide = clientSide(protocol, cip, cport, byClientAddress.contains(vip));
    // full-NAT: the replies come to the worker of the local port
    boolean replySide = local >= 0 && !template && IpvsSync.localPort(f, local) % workers == worker;
    if (!template && !clientSide && !replySide) {
      return COUNTED_ELSEWHERE;
    }
    VirtualService svc = services.lookup(protocol, vip, vport);
    // a template goes to every worker and counts on worker 0; an entry on the worker of its client
    boolean counts = template ? worker == 0 : clientSide;
    int done = counts ? INSTALLED : COUNTED_ELSEWHERE;
    int unknown = counts ? UNKNOWN : COUNTED_ELSEWHERE;
    ForwardingMode mode = local >= 0 && !template ? ForwardingMode.FULLNAT : mode(flags & IpvsSync.FWD_MASK);
    if (svc == null || svc.mode() != mode && !(template && svc.mode() == ForwardingMode.FULLNAT)) {
      return unknown;
    }
    Destination d = svc.destinationFor(rip, rport);
    if (d == null && (rport == vport || svc.port() == 0)) {
      d = svc.destinationFor(rip, 0); // configured without a port: the VIP's
    }
    if (d == null) {
      return unknown;
    }
    long seconds = Math.min(MAX_TIMEOUT_SECONDS, Math.max(1, IpvsSync.timeoutSeconds(f, e) & 0xffffffffL));
    long timeout = seconds * 1_000_000_000L;
    int method = svc.mode().ordinal();
    if (template) {
      int tpl = table.lookupIn(ConnectionTable.TEMPLATE, cip, 0, vip, svc.port(), now);
      if (tpl != ConnectionTable.NONE && table.destination(tpl) == d) {
        table.update(tpl, TcpState.NONE, timeout, now);
      } else {
        if (tpl != ConnectionTable.NONE) {
          table.remove(tpl);
        }
        tpl = table.insert(ConnectionTable.TEMPLATE, cip, 0, vip, svc.port(), d, d.port(), method, TcpState.NONE,
            timeout, false, now);
      }
      table.synced(tpl, now);
      return done;
    }
    TcpState state = protocol == Ipv4Header.PROTO_TCP
        ? TcpState.of(Math.min(IpvsSync.state(f, e), TcpState.LAST_ACK.ordinal())) : TcpState.NONE;
    // the real server's peer: the client, or in FULLNAT the local address and port it was given
    int lip = local >= 0 ? IpvsSync.localAddress(f, local) : cip;
    int lport = local >= 0 ? IpvsSync.localPort(f, local) : cport;
    int c = table.lookupIn(protocol, cip, cport, vip, vport, now);
    if (c != ConnectionTable.NONE && table.destination(c) == d && table.realPort(c) == rport
        && table.localIp(c) == lip && table.localPort(c) == lport) {
      table.update(c, state, timeout, now);
    } else {
      if (c != ConnectionTable.NONE) {
        table.remove(c);
      }
      if (local >= 0) {
        // that local port towards that real server is the sender's now: an entry of ours that
        // holds it is older (the sender forwarded that flow since)
        int held = table.lookupOut(protocol, rip, rport, lip, lport, now);
        if (held != ConnectionTable.NONE) {
          table.remove(held);
        }
      }
      c = table.insert(protocol, cip, cport, vip, vport, d, rport, lip, lport, method, state, timeout,
          svc.mode().translates(), now);
    }
    table.confirm(c);
    table.synced(c, now);
    return done;
  }

  private static ForwardingMode mode(int forwarding) {
    return switch (forwarding) {
      case IpvsSync.FWD_MASQ -> ForwardingMode.NAT;
      case IpvsSync.FWD_TUNNEL -> ForwardingMode.TUN;
      case IpvsSync.FWD_DROUTE -> ForwardingMode.DR;
      default -> null;
    };
  }
}
