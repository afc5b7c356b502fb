package io.lvsoperator.dataplane.control;

import io.lvsoperator.dataplane.codec.Ethernet;
import io.lvsoperator.dataplane.codec.Icmp;
import io.lvsoperator.dataplane.codec.Ipv4Header;
import io.lvsoperator.dataplane.io.ClassicBpf;
import io.lvsoperator.dataplane.io.ClassicBpf.Builder.Label;
import java.util.Arrays;
import java.util.Collection;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Which worker's socket a frame goes to, as a classic BPF program for {@code PACKET_FANOUT_CBPF}
 * (docs/architecture.md, "Workers"). The kernel runs it from the frame's IPv4 header (the
 * Ethernet header is behind the data by then; the EtherType is the ancillary protocol word) and
 * takes its result modulo the number of sockets:
 *
 * <ul>
 *   <li>a frame to a VIP: {@link FanoutHash} of its source, the client (address and, for TCP,
 *       port unless the VIP is one of {@link ForwardingTable#byClientAddress}; an ICMP error: the
 *       client its quoted packet was sent to);
 *   <li>a NAT reply: the same hash of its destination, the client again, so both directions of a
 *       connection meet in one worker;
 *   <li>a FULLNAT reply: its destination port, the local port the worker chose for the
 *       connection among those that come back to it (port modulo workers);
 *   <li>anything else (ARP, frames to a DIP, VRRP, sync): worker 0, which owns them.
 * </ul>
 *
 * A TCP fragment past the first carries no ports and goes by the address alone, so to a worker
 * other than its first fragment's maybe; TCP hardly ever fragments (path MTU discovery), and UDP
 * goes by the address alone for that reason. Built for one or more tables at once, as the socket
 * filter is, while a configuration goes live.
 */
public final class FanoutProgram {
  private static final int ICMP = Ipv4Header.PROTO_ICMP;
  private static final int TCP = Ipv4Header.PROTO_TCP;
  private static final int UDP = Ipv4Header.PROTO_UDP;
  /** The errors that quote a packet, as the engine takes them ({@link Icmp#isError}). */
  private static final int[] ICMP_ERRORS = {Icmp.TYPE_DEST_UNREACHABLE, Icmp.TYPE_SOURCE_QUENCH,
      Icmp.TYPE_TIME_EXCEEDED, Icmp.TYPE_PARAMETER_PROBLEM};
  // offsets from the IPv4 header
  private static final int FRAGMENT = 6;
  private static final int PROTOCOL = 9;
  private static final int SOURCE = 12;
  private static final int DESTINATION = 16;
  /** An ICMP error's quoted IPv4 header, after a 20-byte header and the 8-byte ICMP header. */
  private static final int QUOTED = 28;
  private static final int OFFSET_MASK = Ipv4Header.FRAGMENT_OFFSET_MASK;
  /** The scratch word holding the port that goes into the hash. */
  private static final int PORT = 0;

  private FanoutProgram() {}

  /** The program for these tables, or null when it would pass the kernel's instruction limit. */
  public static ClassicBpf precise(Collection<ForwardingTable> tables) {
    ClassicBpf.Builder b = new ClassicBpf.Builder();
    Label first = new Label();
    Label hash = new Label();
    Label fullNatReply = new Label();
    Label client = new Label();
    Label reply = new Label();
    Label fromNodeSourceServer = new Label();
    Label notFromNodeSourceServer = new Label();
    Label fromVipSourceServer = new Label();
    Label notFullNat = new Label();
    Label fromNatServer = new Label();

    // the kernel's checker (check_load_and_stores) follows scratch words in program order, past
    // returns too: written first, the port's word is valid wherever the hash reads it
    b.loadConstant(0).store(PORT);
    b.loadHalf(ClassicBpf.ANCILLARY_PROTOCOL).unless(Ethernet.TYPE_IPV4, first);
    // FULLNAT replies first: with source VIP they come to an address clients send to
    b.loadWord(SOURCE).anyOf(union(tables, ForwardingTable::fullNatRealServers), fromNodeSourceServer)
        .jump(notFromNodeSourceServer);
    b.bind(fromNodeSourceServer).loadWord(DESTINATION).anyOf(localAddresses(tables), fullNatReply);
    b.bind(notFromNodeSourceServer).loadWord(SOURCE)
        .anyOf(union(tables, ForwardingTable::fullNatVipRealServers), fromVipSourceServer).jump(notFullNat);
    b.bind(fromVipSourceServer).loadWord(DESTINATION).anyOf(vips(tables), fullNatReply);
    b.bind(notFullNat).loadWord(DESTINATION).anyOf(ownedByFirst(tables), first).anyOf(vips(tables), client);
    b.loadWord(SOURCE).anyOf(union(tables, ForwardingTable::natRealServers), fromNatServer).jump(first);
    // a NAT real server's traffic to the node itself is the node's (health checks)
    b.bind(fromNatServer).loadWord(DESTINATION).anyOf(union(tables, ForwardingTable::kernelLocal), first)
        .jump(reply);

    // a frame to a VIP: the client is its source, or the destination of the packet an ICMP error
    // quotes; the VIP is its destination, or the source of the quoted packet
    int[] byAddressVips = union(tables, ForwardingTable::byClientAddress);
    clientSide(b, client, SOURCE, 0, QUOTED + DESTINATION, 2, DESTINATION, QUOTED + SOURCE, byAddressVips, hash);
    // a NAT reply: the client is its destination, or the source of the packet an ICMP error quotes
    int[] byAddressServers = union(tables, ForwardingTable::byClientAddressRealServers);
    clientSide(b, reply, DESTINATION, 2, QUOTED + SOURCE, 0, SOURCE, QUOTED + DESTINATION, byAddressServers, hash);

    // a FULLNAT reply: the worker is its local port, modulo the workers
    Label replyPorts = new Label();
    Label replyIcmp = new Label();
    Label quotedPorts = new Label();
    b.bind(fullNatReply).loadByte(PROTOCOL).anyOf(new int[] {ICMP}, replyIcmp).anyOf(new int[] {TCP, UDP}, replyPorts)
        .jump(first);
    b.bind(replyPorts).loadHalf(FRAGMENT).whenAnyBit(OFFSET_MASK, first).loadHeaderLength(0).loadHalfAfterHeader(2)
        .returnA();
    b.bind(replyIcmp);
    icmpError(b, first);
    b.loadByte(QUOTED + PROTOCOL).anyOf(new int[] {TCP, UDP}, quotedPorts).jump(first);
    // the quoted packet went from the local port to the real server
    b.bind(quotedPorts).loadHeaderLength(QUOTED).loadHalfAfterHeader(QUOTED).returnA();

    // FanoutHash.of(address in A, port in the scratch word)
    b.bind(hash).copyToX().shiftRight(16).xorX().copyToX().loadScratch(PORT).xorX().multiply(FanoutHash.MULTIPLIER)
        .shiftRight(16).returnA();
    b.bind(first).returnValue(0);
    return b.length() > ClassicBpf.MAX_INSTRUCTIONS ? null : b.build();
  }

  /** Every frame to worker 0: what a configuration too big for {@link #precise} gets (one worker serves). */
  public static ClassicBpf single() {
    return new ClassicBpf.Builder().returnValue(0).build();
  }

  /**
   * From {@code start}: the hash of the client's address at {@code address} and, for TCP, its
   * port {@code portAt} bytes into the transport header, unless the address at {@code service}
   * (the VIP, or the real server) is one of {@code byAddressOnly}; for an ICMP error, the same of
   * the quoted packet.
   */
  private static void clientSide(ClassicBpf.Builder b, Label start, int address, int portAt, int quotedAddress,
      int quotedPortAt, int service, int quotedService, int[] byAddressOnly, Label hash) {
    Label tcp = new Label();
    Label icmp = new Label();
    Label byAddress = new Label();
    Label quotedTcp = new Label();
    Label quotedByAddress = new Label();
    // in this order: classic BPF jumps only forward, and every way out is byAddress or hash
    b.bind(start).loadByte(PROTOCOL).anyOf(new int[] {ICMP}, icmp).anyOf(new int[] {TCP}, tcp).jump(byAddress);
    b.bind(tcp);
    if (byAddressOnly.length > 0) {
      b.loadWord(service).anyOf(byAddressOnly, byAddress);
    }
    b.loadHalf(FRAGMENT).whenAnyBit(OFFSET_MASK, byAddress).loadHeaderLength(0)
        .loadHalfAfterHeader(portAt).store(PORT).loadWord(address).jump(hash);
    b.bind(icmp);
    icmpError(b, byAddress);
    b.loadByte(QUOTED + PROTOCOL).anyOf(new int[] {TCP}, quotedTcp).jump(quotedByAddress);
    b.bind(quotedTcp);
    if (byAddressOnly.length > 0) {
      b.loadWord(quotedService).anyOf(byAddressOnly, quotedByAddress);
    }
    b.loadHeaderLength(QUOTED).loadHalfAfterHeader(QUOTED + quotedPortAt).store(PORT)
        .loadWord(quotedAddress).jump(hash);
    b.bind(quotedByAddress).loadConstant(0).store(PORT).loadWord(quotedAddress).jump(hash);
    b.bind(byAddress).loadConstant(0).store(PORT).loadWord(address).jump(hash);
  }

  /** Goes on for an ICMP error quoting a packet after a header without options, else to {@code otherwise}. */
  private static void icmpError(ClassicBpf.Builder b, Label otherwise) {
    Label error = new Label();
    b.loadByte(0).unless(0x45, otherwise).loadByte(20).anyOf(ICMP_ERRORS, error).jump(otherwise);
    b.bind(error);
  }

  /** The addresses worker 0 owns: the DIPs the dataplane answers for, the VRRP and sync groups. */
  static int[] ownedByFirst(Collection<ForwardingTable> tables) {
    IntStream groups = IntStream.of(SocketFilterProgram.VRRP_GROUP, SocketFilterProgram.SYNC_GROUP);
    return IntStream.concat(groups, tables.stream().flatMapToInt(t -> Arrays.stream(t.dips().values())))
        .distinct().toArray();
  }

  static int[] vips(Collection<ForwardingTable> tables) {
    return tables.stream().flatMapToInt(t -> t.vipList().stream().mapToInt(Integer::intValue)).distinct().toArray();
  }

  /** The local addresses of tables with FULLNAT services of source NODE. */
  static int[] localAddresses(Collection<ForwardingTable> tables) {
    return SocketFilterProgram.localAddresses(tables);
  }

  private static int[] union(Collection<ForwardingTable> tables,
      Function<ForwardingTable, IntSet> set) {
    return tables.stream().flatMapToInt(t -> Arrays.stream(set.apply(t).values())).distinct().toArray();
  }
}
