package io.lvsoperator.dataplane.kernel;

import io.lvsoperator.dataplane.lvs.conn.LocalPorts;
import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.dataplane.control.ForwardingTable;
import io.lvsoperator.dataplane.control.NatReplySource;
import java.io.IOException;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the node's kernel away from the traffic the dataplane owns. An nftables table in the
 * netdev family drops, at ingress of our interface, frames to the VIPs, to DIPs the kernel does
 * not hold, and NAT replies from real servers. Packet capture taps run before the ingress hook,
 * so the dataplane still sees every frame while the kernel neither answers, forwards nor resets
 * them (with {@code ip_forward=1} on a node it would otherwise forward VIP traffic a second time
 * and leak untranslated NAT replies). ARP is not filtered: the kernel has no VIP and so never
 * answers for one.
 *
 * <p>With FULLNAT services whose local address is the node's own, the replies to the local port
 * range are dropped too: they are the dataplane's, and the kernel would reset them.
 *
 * <p>The table carries {@code flags owner}: it belongs to this process's {@link NftSession} and
 * the kernel removes it when the process ends, however it ends (SIGKILL, OOM). A table a killed
 * dataplane of an older version left behind is replaced in the first transaction; a table that a
 * live process owns (a second dataplane on the same interface) is refused, and that is the error.
 *
 * <p>The NAT replies are dropped by a second table, {@code netdev lvs_nat_shield_<if>}, without
 * owner: it stays when the dataplane is killed. Otherwise the node's kernel (a node forwards)
 * would pass the real servers' replies that still come here, untranslated, to the clients until
 * the director taking the VIP over has moved the gateway (a few hundred milliseconds), and each
 * client's kernel, knowing no such connection, would reset it at the real server: connections the
 * new director adopted would die. It exists only while the configuration has NAT services, is
 * replaced with every configuration, and is deleted on a graceful stop.
 */
public final class KernelGuard implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KernelGuard.class);

  private final String interfaceName;
  private final String table;
  private final String shield;
  private final String fullNatPorts;
  private final NftSession nft = new NftSession(Duration.ofSeconds(10));
  /** The nft start in which our table was created (0: none): it exists while that nft runs. */
  private volatile long ownedIn;

  public KernelGuard(String interfaceName) {
    this(interfaceName, new LocalPorts(LocalPorts.DEFAULT_FIRST, LocalPorts.DEFAULT_LAST, 1));
  }

  /** @param localPorts the ports FULLNAT connections leave from: their replies are the dataplane's */
  public KernelGuard(String interfaceName, LocalPorts localPorts) {
    this.interfaceName = interfaceName;
    this.fullNatPorts = localPorts.first() + "-" + localPorts.last();
    this.table = "lvs_dataplane_" + interfaceName.replaceAll("[^A-Za-z0-9_]", "_");
    this.shield = "lvs_nat_shield_" + interfaceName.replaceAll("[^A-Za-z0-9_]", "_");
  }

  public String tableName() {
    return table;
  }

  /** Installs or replaces the rules for {@code t} in one atomic nft transaction. */
  public void apply(ForwardingTable t) throws IOException {
    // a refused transaction changes nothing (nft applies all of it or nothing): what we owned
    // before we still own, so the next attempt replaces it again
    nft.run(oneTransaction(render(t, holds())));
    ownedIn = nft.starts();
    LOG.info("kernel guard {} on {} holds {} VIPs (generation {})", table, interfaceName, t.vipList().size(),
        t.generation());
  }

  /** True while the rules are in the kernel: false before the first apply and once nft has died. */
  public boolean holds() {
    return ownedIn != 0 && ownedIn == nft.starts() && nft.alive();
  }

  /** The script as one nft -i line, which nft runs as one transaction. */
  static String oneTransaction(String script) {
    return script.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining(" ; "));
  }

  /**
   * The nft script for {@code t}. Replacing our own table deletes it and creates it again. The
   * first time, the table is first declared empty so that the delete cannot fail when there is
   * none; that declaration is a no-op on a table an older dataplane left (no flags) and is
   * refused on a table another live process owns. (Declared empty, our own owned table would be
   * refused too: its flags cannot change.)
   */
  String render(ForwardingTable t, boolean replaceOwn) {
    Set<String> vips = new TreeSet<>();
    for (int v : t.vipList()) {
      vips.add(Ipv4.format(v));
    }
    Set<String> dips = new TreeSet<>();
    t.addresses().forEach(p -> {
      if (!t.iface().kernelOwns(p.address())) {
        dips.add(Ipv4.format(p.address()));
      }
    });
    Set<String> natReplies = new TreeSet<>();
    Set<String> natRepliesAnyPort = new TreeSet<>();
    Set<String> natRips = new TreeSet<>();
    for (NatReplySource src : t.natReplySources()) {
      natRips.add(Ipv4.format(src.address()));
      String proto = src.protocol() == 6 ? "tcp" : "udp";
      if (src.port() == 0) {
        natRepliesAnyPort.add(Ipv4.format(src.address()) + " . " + proto);
      } else {
        natReplies.add(Ipv4.format(src.address()) + " . " + proto + " . " + src.port());
      }
    }
    StringBuilder sb = new StringBuilder();
    if (!replaceOwn) {
      sb.append("table netdev ").append(table).append(" {}\n");
    }
    sb.append("delete table netdev ").append(table).append('\n');
    sb.append("table netdev ").append(table).append(" {\n");
    sb.append("  flags owner\n");
    set(sb, "vips", "ipv4_addr", vips);
    set(sb, "dips", "ipv4_addr", dips);
    sb.append("  chain ingress {\n");
    sb.append("    type filter hook ingress device \"").append(interfaceName).append("\" priority -500; policy accept;\n");
    sb.append("    ip daddr @vips counter drop\n");
    sb.append("    ip daddr @dips counter drop\n");
    if (t.localAddress() != 0 && t.fullNatRealServers().values().length > 0 && t.iface().kernelOwns(t.localAddress())) {
      // FULLNAT replies come to the node's own address on ports it never uses itself: the
      // kernel, which knows no such connection, would reset them
      String lip = Ipv4.format(t.localAddress());
      sb.append("    ip daddr ").append(lip).append(" tcp dport ").append(fullNatPorts).append(" counter drop\n");
      sb.append("    ip daddr ").append(lip).append(" udp dport ").append(fullNatPorts).append(" counter drop\n");
    }
    sb.append("  }\n}\n");
    // the shield: declared first so that its delete cannot fail, gone when there is no NAT
    sb.append("table netdev ").append(shield).append(" {}\n");
    sb.append("delete table netdev ").append(shield).append('\n');
    if (natRips.isEmpty()) {
      return sb.toString();
    }
    Set<String> node = new TreeSet<>();
    t.iface().kernelAddresses().forEach(p -> node.add(Ipv4.format(p.address())));
    sb.append("table netdev ").append(shield).append(" {\n");
    set(sb, "node_addresses", "ipv4_addr", node);
    set(sb, "nat_replies", "ipv4_addr . inet_proto . inet_service", natReplies);
    set(sb, "nat_replies_any_port", "ipv4_addr . inet_proto", natRepliesAnyPort);
    set(sb, "nat_rips", "ipv4_addr", natRips);
    sb.append("  chain ingress {\n");
    sb.append("    type filter hook ingress device \"").append(interfaceName)
        .append("\" priority -499; policy accept;\n");
    // replies to the node's own addresses (health checks) stay the kernel's
    sb.append("    ip daddr != @node_addresses ip saddr . meta l4proto . th sport @nat_replies counter drop\n");
    sb.append("    ip daddr != @node_addresses ip saddr . meta l4proto @nat_replies_any_port counter drop\n");
    // what carries no ports: later fragments of NAT replies, and ICMP errors about a connection;
    // the dataplane translates both, the kernel would pass them on untranslated
    sb.append("    ip daddr != @node_addresses ip saddr @nat_rips ip frag-off & 0x1fff != 0 counter drop\n");
    sb.append("    ip daddr != @node_addresses ip saddr @nat_rips icmp type { destination-unreachable, source-quench,"
        + " time-exceeded, parameter-problem } counter drop\n");
    sb.append("  }\n}\n");
    return sb.toString();
  }

  private static void set(StringBuilder sb, String name, String type, Set<String> elements) {
    sb.append("  set ").append(name).append(" {\n    type ").append(type).append('\n');
    if (!elements.isEmpty()) {
      sb.append("    elements = { ").append(String.join(", ", elements)).append(" }\n");
    }
    sb.append("  }\n");
  }

  /** Removes both tables: the kernel is as we found it. */
  @Override
  public void close() {
    if (!holds()) {
      nft.close();
      return;
    }
    try {
      // the shield stays after a kill, not after a stop: declared first so that its delete cannot fail
      nft.run(oneTransaction("delete table netdev " + table + "\ntable netdev " + shield + " {}\ndelete table netdev "
          + shield));
      LOG.info("kernel guard {} and {} on {} removed", table, shield, interfaceName);
    } catch (IOException e) {
      // ending nft below removes the owned table anyway; the shield is replaced at the next start
      LOG.warn("kernel guard {} on {}: {}; the table goes with nft, {} stays until the next start", table,
          interfaceName, e.getMessage(), shield);
    }
    ownedIn = 0;
    nft.close();
  }
}
