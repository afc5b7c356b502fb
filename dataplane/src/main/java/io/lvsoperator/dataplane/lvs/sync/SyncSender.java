package io.lvsoperator.dataplane.lvs.sync;

import io.lvsoperator.api.v1alpha1.ForwardingMode;
import io.lvsoperator.dataplane.codec.Ethernet;
import io.lvsoperator.dataplane.codec.IpvsSync;
import io.lvsoperator.dataplane.codec.Ipv4Header;
import io.lvsoperator.dataplane.codec.Transport;
import io.lvsoperator.dataplane.control.IntSet;
import io.lvsoperator.dataplane.lvs.conn.ConnectionTable;
import io.lvsoperator.dataplane.lvs.service.Destination;
import io.lvsoperator.dataplane.lvs.service.ServiceTable;
import io.lvsoperator.dataplane.lvs.service.VirtualService;
import io.lvsoperator.dataplane.neigh.NeighbourOutput;
import io.lvsoperator.dataplane.stats.Counter;
import io.lvsoperator.dataplane.stats.EngineCounters;

/**
 * Tells the other directors about this one's connections, as IPVS's sync daemon does
 * (docs/architecture.md, "Connection sync"): an entry is sent once its flow showed it is real
 * (a spoofed handshake is never copied), again on each change of its state, and again when half
 * its timeout passed while in use (so the copies do not expire under a live connection); a
 * persistence template goes with the connection that uses it. Entries gather in one message (as
 * many as the MTU holds) sent when full or {@link #FLUSH_NANOS} after its first entry.
 *
 * <p>Bounded: one frame of memory, and at most {@link #RATE_PER_SECOND} entries a second (a burst
 * of {@link #BURST}); an entry over the bound is counted and sent with its flow's next packet.
 * After a peer appears (a restarted director), every entry of the addresses this director
 * announces is sent once more, walking the table a slice per tick within the same bound, so
 * the newcomer holds the connections before it may take anything over. Engine thread only; nothing
 * allocated.
 */
public final class SyncSender {
  static final long FLUSH_NANOS = 20_000_000L;
  /** About 3.6 MB/s of entries (29 Mbit/s): a hundred thousand new connections a second. */
  static final long RATE_PER_SECOND = 100_000;
  static final long BURST = 10_000;
  private static final long NANOS_PER_TOKEN = 1_000_000_000L / RATE_PER_SECOND;
  /** Table slots the dump looks at per tick. */
  static final int DUMP_SLOTS_PER_TICK = 16_384;
  private static final int L3 = Ethernet.HEADER_LENGTH;
  private static final int L4 = L3 + Ipv4Header.MIN_LENGTH;
  private static final int MESSAGE = L4 + Transport.UDP_LENGTH;
  private static final int FULLNAT = ForwardingMode.FULLNAT.ordinal();

  private final NeighbourOutput output;
  private final EngineCounters counters;
  private final byte[] frame;
  private boolean enabled;
  private int selfAddress;
  private int syncId;
  /** Bytes of entries a message may hold (the MTU's room, at most what the size field says). */
  private int budget;
  private long mac;
  private int pending;
  /** Bytes of the entries written since the header. */
  private int used;
  private long firstPendingAt;
  private long tokens = BURST;
  private long refillAt;
  private int dumpHand;
  private int dumpLeft;

  public SyncSender(NeighbourOutput output, EngineCounters counters, int maxFrame) {
    this.output = output;
    this.counters = counters;
    this.frame = new byte[maxFrame];
  }

  /**
   * Sends from {@code selfAddress} (this director's own, as its advertisements) with sync ID
   * {@code syncId} (its router ID); off when {@code enabled} is false (no peers).
   */
  public void configure(boolean enabled, int selfAddress, int syncId, int mtu, long mac) {
    if (pending > 0 && (!enabled || selfAddress != this.selfAddress)) {
      clear(); // written for a configuration that no longer holds
    }
    this.enabled = enabled && selfAddress != 0;
    this.selfAddress = selfAddress;
    this.syncId = syncId;
    this.mac = mac;
    int ipLength = Math.min(mtu, frame.length - L3);
    this.budget = Math.min(0xffff, ipLength - Ipv4Header.MIN_LENGTH - Transport.UDP_LENGTH)
        - IpvsSync.HEADER_LENGTH;
    if (used > budget) {
      clear();
    }
    if (!this.enabled) {
      dumpLeft = 0;
    }
  }

  public boolean enabled() {
    return enabled;
  }

  /**
   * Entry {@code c} was just used and its timer restarted: sends it when its peers' copy is out
   * of date. The services of {@code services} name a persistence template to send along.
   */
  public void note(ConnectionTable table, int c, ServiceTable services, long now) {
    if (!enabled || !table.confirmed(c)) {
      return;
    }
    long timeout = table.expiresAt(c) - now;
    if (!table.syncDue(c, timeout / 2, now)) {
      return;
    }
    if (!take(now)) {
      counters.inc(Counter.SYNC_ENTRIES_DROPPED); // tried again with its flow's next packet
      return;
    }
    int protocol = table.protocol(c);
    int vip = table.virtualIp(c);
    append(table, c, protocol, timeout, now);
    VirtualService svc = services.lookup(protocol, vip, table.virtualPort(c));
    if (svc != null && svc.persistenceNanos() > 0) {
      int tpl = table.lookupIn(ConnectionTable.TEMPLATE, table.clientIp(c), 0, vip, svc.port(), now);
      if (tpl != ConnectionTable.NONE && table.syncDue(tpl, (table.expiresAt(tpl) - now) / 2, now) && take(now)) {
        append(table, tpl, protocol, table.expiresAt(tpl) - now, now);
      }
    }
  }

  /** A peer appeared: every entry of what this director announces goes out once more. */
  public void startDump(int capacity) {
    if (enabled) {
      dumpLeft = capacity;
    }
  }

  /** True while a dump walks the table. */
  public boolean dumping() {
    return dumpLeft > 0;
  }

  /** Between polls: sends a message waiting for {@link #FLUSH_NANOS}, walks the dump on. */
  public void tick(ConnectionTable table, ServiceTable services, IntSet announced, long now) {
    if (dumpLeft > 0) {
      dump(table, services, announced, now);
    }
    if (pending > 0 && now - firstPendingAt >= FLUSH_NANOS) {
      flush();
    }
  }

  private void dump(ConnectionTable table, ServiceTable services, IntSet announced, long now) {
    int capacity = table.capacity();
    for (int n = 0; n < DUMP_SLOTS_PER_TICK && dumpLeft > 0; n++) {
      int i = dumpHand;
      if (table.live(i) && table.expiresAt(i) - now > 0 && announced.contains(table.virtualIp(i))
          && (table.confirmed(i) || table.protocol(i) == ConnectionTable.TEMPLATE)) {
        int protocol = table.protocol(i);
        if (protocol == ConnectionTable.TEMPLATE) {
          VirtualService svc = templateService(table, i, services);
          protocol = svc == null ? -1 : svc.protocol();
        }
        if (protocol >= 0) {
          if (!take(now)) {
            return; // on at the next tick, from this slot
          }
          append(table, i, protocol, table.expiresAt(i) - now, now);
        }
      }
      dumpHand = (i + 1) % capacity;
      dumpLeft--;
    }
  }

  /** The service a template belongs to: TCP first, as a template does not keep its protocol. */
  private static VirtualService templateService(ConnectionTable table, int i, ServiceTable services) {
    VirtualService tcp = services.lookup(Ipv4Header.PROTO_TCP, table.virtualIp(i),
        table.virtualPort(i));
    if (tcp != null && tcp.persistenceNanos() > 0) {
      return tcp;
    }
    VirtualService udp = services.lookup(Ipv4Header.PROTO_UDP, table.virtualIp(i), table.virtualPort(i));
    return udp != null && udp.persistenceNanos() > 0 ? udp : null;
  }

  private boolean take(long now) {
    if (tokens < BURST) {
      long add = (now - refillAt) / NANOS_PER_TOKEN;
      if (add > 0) {
        tokens = Math.min(BURST, tokens + add);
        refillAt = tokens == BURST ? now : refillAt + add * NANOS_PER_TOKEN;
      }
    } else {
      refillAt = now;
    }
    if (tokens == 0) {
      return false;
    }
    tokens--;
    return true;
  }

  private void append(ConnectionTable table, int i, int protocol, long timeoutNanos, long now) {
    boolean template = table.protocol(i) == ConnectionTable.TEMPLATE;
    Destination d = table.destination(i);
    int flags = forwarding(table.method(i)) | (template ? IpvsSync.FLAG_TEMPLATE : 0);
    int state = template || protocol != Ipv4Header.PROTO_TCP ? 0 : table.state(i).ordinal();
    int seconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (timeoutNanos + 999_999_999L) / 1_000_000_000L));
    boolean fullNat = !template && table.method(i) == FULLNAT;
    if (used + (fullNat ? IpvsSync.FULLNAT_ENTRY_LENGTH : IpvsSync.ENTRY_LENGTH) > budget) {
      flush();
    }
    int e = MESSAGE + IpvsSync.HEADER_LENGTH + used;
    if (fullNat) {
      // the local address and port the real server answers to, in our option
      used += IpvsSync.writeEntry(frame, e, protocol, flags, state, table.clientIp(i), table.clientPort(i),
          table.virtualIp(i), table.virtualPort(i), d.address(), table.realPort(i), seconds, table.localIp(i),
          table.localPort(i));
    } else {
      used += IpvsSync.writeEntry(frame, e, protocol, flags, state, table.clientIp(i), table.clientPort(i),
          table.virtualIp(i), table.virtualPort(i), d.address(), table.realPort(i), seconds);
    }
    table.synced(i, now);
    if (pending++ == 0) {
      firstPendingAt = now;
    }
    if (pending == IpvsSync.MAX_ENTRIES || used + IpvsSync.ENTRY_LENGTH > budget) {
      flush();
    }
  }

  /** FULLNAT goes as masquerading, which a kernel would take it for were its option not mandatory. */
  private static int forwarding(int method) {
    if (method == ForwardingMode.NAT.ordinal() || method == FULLNAT) {
      return IpvsSync.FWD_MASQ;
    }
    return method == ForwardingMode.TUN.ordinal() ? IpvsSync.FWD_TUNNEL : IpvsSync.FWD_DROUTE;
  }

  private void flush() {
    if (pending == 0) {
      return;
    }
    int payload = IpvsSync.HEADER_LENGTH + used;
    IpvsSync.writeHeader(frame, MESSAGE, syncId, pending, payload);
    Ethernet.write(frame, IpvsSync.GROUP_MAC, mac, Ethernet.TYPE_IPV4);
    Ipv4Header.write(frame, L3, 0, Ipv4Header.MIN_LENGTH + Transport.UDP_LENGTH + payload, 0, Ipv4Header.FLAG_DF,
        IpvsSync.TTL, Ipv4Header.PROTO_UDP, selfAddress, IpvsSync.GROUP);
    Transport.writeUdp(frame, L3, L4, IpvsSync.PORT, IpvsSync.PORT, payload);
    output.transmit(frame, MESSAGE + payload);
    counters.inc(Counter.SYNC_MESSAGES_SENT);
    counters.add(Counter.SYNC_ENTRIES_SENT, pending);
    clear();
  }

  private void clear() {
    pending = 0;
    used = 0;
  }
}
