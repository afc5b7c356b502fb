package io.lvsoperator.dataplane.control;

import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.api.net.Ipv4Prefix;
import io.lvsoperator.api.v1alpha1.DirectorSpec;
import io.lvsoperator.api.v1alpha1.ForwardingMode;
import io.lvsoperator.api.v1alpha1.FullNatSource;
import io.lvsoperator.api.v1alpha1.InvalidConfigurationException;
import io.lvsoperator.api.v1alpha1.RealServerSpec;
import io.lvsoperator.api.v1alpha1.RouteSpec;
import io.lvsoperator.api.v1alpha1.ServiceSpec;
import io.lvsoperator.dataplane.io.InterfaceInfo;
import io.lvsoperator.dataplane.lvs.conn.Timeouts;
import io.lvsoperator.dataplane.lvs.sched.MaglevTables;
import io.lvsoperator.dataplane.lvs.sched.Scheduler;
import io.lvsoperator.dataplane.lvs.sched.Schedulers;
import io.lvsoperator.dataplane.lvs.service.Destination;
import io.lvsoperator.dataplane.lvs.service.NatOrigins;
import io.lvsoperator.dataplane.lvs.service.ServiceTable;
import io.lvsoperator.dataplane.lvs.service.VirtualService;
import io.lvsoperator.dataplane.peer.AnnouncePlan;
import io.lvsoperator.dataplane.route.RouteTable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/** Turns a validated {@link DirectorSpec} into a {@link ForwardingTable} for one interface. */
public final class ConfigCompiler {
  private final StatsRegistry stats;
  /** mh tables shared by identical real servers and kept from the configuration in force. */
  private final MaglevTables maglev = new MaglevTables();

  public ConfigCompiler(StatsRegistry stats) {
    this.stats = stats;
  }

  /**
   * Compiles; the caller swaps the result in and then calls {@link #committed()}. Fails when the
   * director would have no address to speak from.
   */
  public ForwardingTable compile(DirectorSpec spec, InterfaceInfo iface) throws InvalidConfigurationException {
    return compile(spec, iface, null);
  }

  /**
   * @param previous the table in force, whose removed NAT real servers keep having their replies
   *     translated while they still have connections
   */
  public ForwardingTable compile(DirectorSpec spec, InterfaceInfo iface, ForwardingTable previous)
      throws InvalidConfigurationException {
    List<Ipv4Prefix> addresses = new ArrayList<>();
    for (String a : spec.addresses()) {
      addresses.add(Ipv4Prefix.parse(a));
    }
    if (addresses.isEmpty()) {
      addresses.addAll(iface.kernelAddresses());
    }
    if (addresses.isEmpty()) {
      throw new InvalidConfigurationException(List.of(
          "addresses: empty, and interface " + iface.name() + " has no IPv4 address to use as the DIP"));
    }
    Set<Integer> vips = new LinkedHashSet<>();
    for (String v : spec.vips()) {
      vips.add(Ipv4.parse(v));
    }
    AnnouncePlan announce = AnnouncePlan.fixed(List.copyOf(vips));
    if (spec.failover() != null) {
      announce = AnnouncePlan.of(spec.failover());
      for (int i = 0; i < announce.size(); i++) {
        vips.add(announce.address(i));
      }
      spec.services().forEach(s -> vips.add(Ipv4.parse(s.vip())));
    }
    Set<Integer> dips = new LinkedHashSet<>();
    for (Ipv4Prefix p : addresses) {
      if (!iface.kernelOwns(p.address())) {
        dips.add(p.address());
      }
    }
    Set<Integer> owned = new LinkedHashSet<>(vips);
    owned.addAll(dips);
    List<RouteTable.Route> routes = new ArrayList<>();
    for (RouteSpec r : spec.routes()) {
      routes.add(new RouteTable.Route(Ipv4Prefix.parse(r.prefix()), Ipv4.parse(r.via()), 0));
    }
    if (spec.routes().isEmpty() && spec.addresses().isEmpty()) {
      // on a node the DIP is the kernel's address, and so are the routes: NAT replies and ICMP
      // go back to clients the way the node's own traffic does
      for (InterfaceInfo.KernelRoute r : iface.kernelRoutes()) {
        routes.add(new RouteTable.Route(r.prefix(), r.gateway(), 0));
      }
    }
    RouteTable routeTable = new RouteTable(addresses, routes);

    stats.begin();
    maglev.begin();
    Set<NatReplySource> natSources = new LinkedHashSet<>();
    Set<Integer> fullNatRips = new LinkedHashSet<>();
    Set<Integer> fullNatVipRips = new LinkedHashSet<>();
    List<ServiceSpec> specs = spec.services();
    List<List<Destination>> destinations = new ArrayList<>(specs.size());
    for (ServiceSpec s : specs) {
      int vip = Ipv4.parse(s.vip());
      int protocol = s.protocol().ipProtocolNumber();
      List<Destination> dests = new ArrayList<>(s.realServers().size());
      for (RealServerSpec r : s.realServers()) {
        int rip = Ipv4.parse(r.address());
        int port = r.portOr(s.port());
        dests.add(new Destination(rip, port, r.weight(), stats.destination(protocol, vip, s.port(), rip, port)));
        if (s.mode() == ForwardingMode.NAT) {
          natSources.add(new NatReplySource(rip, port, protocol));
        } else if (s.mode() == ForwardingMode.FULLNAT) {
          (s.fullNatSource() == FullNatSource.NODE ? fullNatRips : fullNatVipRips).add(rip);
        }
      }
      destinations.add(dests);
    }
    // schedulers on every core; their Maglev tables are filled after the swap (MaglevTables)
    Scheduler[] schedulers = new Scheduler[specs.size()];
    IntStream.range(0, specs.size()).parallel().forEach(i ->
        schedulers[i] = Schedulers.create(specs.get(i).scheduler(), destinations.get(i), maglev));
    int localAddress = addresses.get(0).address();
    List<VirtualService> services = new ArrayList<>(specs.size());
    for (int i = 0; i < specs.size(); i++) {
      ServiceSpec s = specs.get(i);
      int vip = Ipv4.parse(s.vip());
      int lip = 0;
      if (s.mode() == ForwardingMode.FULLNAT) {
        lip = s.fullNatSource() == FullNatSource.NODE ? localAddress : vip;
      }
      services.add(new VirtualService(s.displayName(), vip, s.port(), s.protocol().ipProtocolNumber(),
          s.mode(), schedulers[i], TimeUnit.SECONDS.toNanos(s.persistenceSeconds()), destinations.get(i), lip));
    }
    if (previous != null) {
      for (NatReplySource src : previous.natReplySources()) {
        if (!natSources.contains(src) && stillConnected(previous, src)) {
          natSources.add(src);
        }
      }
      // a FULLNAT real server removed while connections to it remain: its replies still come
      for (VirtualService s : previous.serviceList()) {
        if (s.mode() == ForwardingMode.FULLNAT) {
          for (Destination d : s.destinations()) {
            if (d.stats().activeConnections() + d.stats().inactiveConnections() > 0) {
              (s.localAddress() == s.vip() ? fullNatVipRips : fullNatRips).add(d.address());
            }
          }
        }
      }
    }
    Set<Integer> natRips = new LinkedHashSet<>();
    natSources.forEach(src -> natRips.add(src.address()));
    Set<Integer> byAddressVips = new LinkedHashSet<>();
    Set<Integer> byAddressRips = new LinkedHashSet<>();
    byClientAddress(services, byAddressVips, byAddressRips);
    return new ForwardingTable(spec, iface, List.copyOf(addresses), List.copyOf(vips), new IntSet(vips),
        new IntSet(owned), new IntSet(dips),
        new IntSet(iface.kernelAddresses().stream().map(Ipv4Prefix::address).toList()),
        new IntSet(natRips), new IntSet(fullNatRips),
        localAddress, new IntSet(fullNatVipRips), List.copyOf(natSources), routeTable, List.copyOf(services),
        new ServiceTable(services), new NatOrigins(services), new Timeouts(spec.connectionTable()), announce,
        new IntSet(byAddressVips), new IntSet(byAddressRips));
  }

  /**
   * The VIPs whose connections go to a worker by client address alone, and their NAT real servers
   * (docs/architecture.md, "Workers"): a persistent service's, then, until nothing changes, every
   * VIP with a NAT real server of those (its replies cannot go two ways) and that VIP's real servers.
   */
  static void byClientAddress(List<VirtualService> services, Set<Integer> vips, Set<Integer> rips) {
    for (VirtualService s : services) {
      if (s.persistenceNanos() > 0) {
        vips.add(s.vip());
      }
    }
    boolean changed = !vips.isEmpty();
    while (changed) {
      changed = false;
      for (VirtualService s : services) {
        if (s.mode() != ForwardingMode.NAT) {
          continue;
        }
        if (!vips.contains(s.vip()) && s.destinations().stream().anyMatch(d -> rips.contains(d.address()))) {
          vips.add(s.vip());
          changed = true;
        }
        if (vips.contains(s.vip())) {
          for (Destination d : s.destinations()) {
            changed |= rips.add(d.address());
          }
        }
      }
    }
  }

  /** True while some NAT connection of the previous table still goes to that real server. */
  private static boolean stillConnected(ForwardingTable previous, NatReplySource src) {
    for (VirtualService s : previous.serviceList()) {
      if (s.mode() != ForwardingMode.NAT || s.protocol() != src.protocol()) {
        continue;
      }
      for (Destination d : s.destinations()) {
        if (d.address() == src.address() && d.port() == src.port()
            && d.stats().activeConnections() + d.stats().inactiveConnections() > 0) {
          return true;
        }
      }
    }
    return false;
  }

  /** The last compiled table is now in force: its Maglev tables are filled in the background. */
  public void committed() {
    stats.commit();
    maglev.committed();
  }

  /** Fills the Maglev tables of the table in force now, in this thread (benchmarks, tests). */
  public void fillTablesNow() {
    maglev.fillNow();
  }
}
