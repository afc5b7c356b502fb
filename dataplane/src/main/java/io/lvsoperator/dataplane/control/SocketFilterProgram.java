package io.lvsoperator.dataplane.control;

import io.lvsoperator.dataplane.io.ClassicBpf;
import io.lvsoperator.dataplane.io.ClassicBpf.Builder.Label;
import java.util.Arrays;
import java.util.Collection;
import java.util.stream.IntStream;

/**
 * What the director's packet socket lets through, as a classic BPF program (docs/architecture.md,
 * "Socket filter"): ARP; IPv4 to a VIP, to a DIP the kernel does not hold, or to the VRRP and sync
 * groups; IPv4 from a NAT real server to anything but the node's own addresses (its replies);
 * IPv4 from a FULLNAT real server to the local address (its replies, to the node's own address).
 * Everything else on the node (kubelet, pods, storage) stays in the kernel. Built for one or more
 * tables at once: while a configuration goes live, the filter passes what either needs.
 */
public final class SocketFilterProgram {
  static final int ETHERTYPE_ARP = 0x0806;
  static final int ETHERTYPE_IPV4 = 0x0800;
  /** 224.0.0.18 (VRRP) and 224.0.0.81 (IPVS sync). */
  static final int VRRP_GROUP = 0xe0000012;
  static final int SYNC_GROUP = 0xe0000051;
  private static final int IP_SOURCE = 14 + 12;
  private static final int IP_DESTINATION = 14 + 16;

  private SocketFilterProgram() {}

  /** Addresses the program compares against, for these tables. */
  public static int addresses(Collection<ForwardingTable> tables) {
    return destinations(tables).length + replySources(tables).length + kernelLocal(tables).length
        + fullNatSources(tables).length + localAddresses(tables).length;
  }

  /** The program for these tables, or null when it would pass the kernel's instruction limit. */
  public static ClassicBpf precise(Collection<ForwardingTable> tables) {
    ClassicBpf.Builder b = new ClassicBpf.Builder();
    Label accept = new Label();
    Label drop = new Label();
    Label reply = new Label();
    Label fullNatReply = new Label();
    b.loadHalf(12).anyOf(new int[] {ETHERTYPE_ARP}, accept).unless(ETHERTYPE_IPV4, drop);
    b.loadWord(IP_DESTINATION).anyOf(destinations(tables), accept);
    b.loadWord(IP_SOURCE).anyOf(replySources(tables), reply).anyOf(fullNatSources(tables), fullNatReply).jump(drop);
    // a real server of both kinds: its FULLNAT replies go to the local address, kernel's or not
    b.bind(reply).loadWord(IP_DESTINATION).anyOf(localAddresses(tables), accept).anyOf(kernelLocal(tables), drop)
        .jump(accept);
    b.bind(fullNatReply).loadWord(IP_DESTINATION).anyOf(localAddresses(tables), accept).jump(drop);
    b.bind(accept).accept();
    b.bind(drop).drop();
    return b.length() > ClassicBpf.MAX_INSTRUCTIONS ? null : b.build();
  }

  /** ARP and all IPv4: what a configuration too big for {@link #precise} gets. */
  public static ClassicBpf wide() {
    ClassicBpf.Builder b = new ClassicBpf.Builder();
    Label accept = new Label();
    Label drop = new Label();
    b.loadHalf(12).anyOf(new int[] {ETHERTYPE_ARP, ETHERTYPE_IPV4}, accept).jump(drop);
    b.bind(accept).accept();
    b.bind(drop).drop();
    return b.build();
  }

  static int[] destinations(Collection<ForwardingTable> tables) {
    IntStream groups = IntStream.of(VRRP_GROUP, SYNC_GROUP);
    IntStream vips = tables.stream().flatMapToInt(t -> t.vipList().stream().mapToInt(Integer::intValue));
    IntStream dips = tables.stream().flatMapToInt(t -> Arrays.stream(t.dips().values()));
    return IntStream.concat(groups, IntStream.concat(vips, dips)).distinct().toArray();
  }

  static int[] replySources(Collection<ForwardingTable> tables) {
    return tables.stream().flatMapToInt(t -> Arrays.stream(t.natRealServers().values())).distinct().toArray();
  }

  static int[] fullNatSources(Collection<ForwardingTable> tables) {
    return tables.stream().flatMapToInt(t -> Arrays.stream(t.fullNatRealServers().values())).distinct().toArray();
  }

  /** The local addresses of tables with FULLNAT services. */
  static int[] localAddresses(Collection<ForwardingTable> tables) {
    return tables.stream().filter(t -> t.localAddress() != 0 && t.fullNatRealServers().values().length > 0)
        .mapToInt(ForwardingTable::localAddress).distinct().toArray();
  }

  static int[] kernelLocal(Collection<ForwardingTable> tables) {
    return tables.stream().flatMapToInt(t -> Arrays.stream(t.kernelLocal().values())).distinct().toArray();
  }
}
