package io.lvsoperator.dataplane.stats;

import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.dataplane.codec.Ipv4Header;
import io.lvsoperator.dataplane.control.FanoutSteering;
import io.lvsoperator.dataplane.control.ForwardingTable;
import io.lvsoperator.dataplane.control.InterfaceWatcher;
import io.lvsoperator.dataplane.control.SocketFilter;
import io.lvsoperator.dataplane.engine.Engines;
import io.lvsoperator.dataplane.engine.EngineLoop;
import io.lvsoperator.dataplane.health.HealthChecker;
import io.lvsoperator.dataplane.io.PortHealth;
import io.lvsoperator.dataplane.lvs.service.Destination;
import io.lvsoperator.dataplane.lvs.service.DestinationStats;
import io.lvsoperator.dataplane.lvs.service.VirtualService;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * Exposes the engine's counters through Micrometer (Prometheus names: lvs_*_total for counters).
 * Meters read the engine's slots when scraped; nothing is pushed from the fast path. Per-real-
 * server meters follow the configuration: {@link #sync} adds and removes them on every apply.
 */
public final class DataplaneMetrics {
  private final MeterRegistry registry;
  private final Map<String, List<Meter>> perRealServer = new HashMap<>();
  private final Map<Integer, Meter> perVip = new HashMap<>();
  private final Engines engine;
  private final Tags common;
  /**
   * Micrometer holds the state of a function counter weakly: a lambda nobody else holds would be
   * collected and the counter would read zero for ever after. Held here, it lives as long as this.
   */
  private final LongSupplier reloadFailures;
  /** Held for the same reason. */
  private List<EngineLoop> loops;
  private FanoutSteering steering;

  public DataplaneMetrics(MeterRegistry registry, Engines engine, String director, LongSupplier reloadFailures) {
    this.registry = registry;
    this.engine = engine;
    this.common = Tags.of("director", director);
    this.reloadFailures = reloadFailures;
    for (Counter counter : Counter.values()) {
      FunctionCounter.builder("lvs." + counter.metricName(), engine, x -> x.count(counter)).tags(common)
          .description("dataplane event: " + counter.metricName().replace('_', ' ')).register(registry);
    }
    for (DropReason reason : DropReason.values()) {
      FunctionCounter.builder("lvs.drops", engine, x -> x.drops(reason)).tags(common).tag("reason", reason.label())
          .description("frames dropped by the dataplane, by reason").register(registry);
    }
    if (engine.size() > 1) {
      // how evenly the fanout program spreads the traffic
      for (int k = 0; k < engine.size(); k++) {
        FunctionCounter.builder("lvs.worker.rx.frames", engine.all().get(k), e -> e.counters().get(Counter.RX_FRAMES))
            .tags(common).tag("worker", Integer.toString(k))
            .description("frames the kernel handed this engine worker").register(registry);
      }
      FunctionCounter.builder("lvs.worker.messages.refused", engine, Engines::messagesRefused).tags(common)
          .description("messages between workers (neighbours, sync) refused by a full mailbox; each is asked for"
              + " again").register(registry);
    }
    FunctionCounter.builder("lvs.capture.dropped", engine, Engines::droppedByCapture).tags(common)
        .description("frames the capture ring dropped before the dataplane saw them").register(registry);
    Gauge.builder("lvs.connection.table.entries", engine, Engines::connections).tags(common)
        .description("connection table entries, persistence templates included").register(registry);
    Gauge.builder("lvs.connection.table.capacity", engine, Engines::capacity).tags(common)
        .description("connection table size limit").register(registry);
    Gauge.builder("lvs.connection.table.unconfirmed", engine, e -> e.snapshot().unconfirmed()).tags(common)
        .description("entries whose flows have not shown they are real (half-open handshakes, floods)")
        .register(registry);
    Gauge.builder("lvs.neighbours", engine, e -> e.snapshot().neighbours().size()).tags(common)
        .description("entries in the ARP cache").register(registry);
    Gauge.builder("lvs.config.generation", engine, e -> e.snapshot().generation()).tags(common)
        .description("configuration generation in force").register(registry);
    FunctionCounter.builder("lvs.config.reload.failures", this.reloadFailures, LongSupplier::getAsLong).tags(common)
        .description("configurations rejected (the previous one stayed in force)").register(registry);
  }

  /** What the director survived: packet I/O failures and reopens, link state, engine loop errors. */
  public void bindFaults(PortHealth port, List<EngineLoop> loops, InterfaceWatcher watcher) {
    FunctionCounter.builder("lvs.port.failures", port, PortHealth::failures).tags(common)
        .description("times the packet port failed (link down, interface gone, socket error)").register(registry);
    FunctionCounter.builder("lvs.port.reopens", port, PortHealth::reopens).tags(common)
        .description("times a failed packet port was opened again").register(registry);
    Gauge.builder("lvs.link.up", watcher, w -> w.linkProblem() == null ? 1 : 0).tags(common)
        .description("1 while the director's interface is up").register(registry);
    FunctionCounter.builder("lvs.interface.changes", watcher, InterfaceWatcher::changes).tags(common)
        .description("MTU, MAC or address changes of the interface, each recompiling the configuration")
        .register(registry);
    this.loops = List.copyOf(loops);
    FunctionCounter.builder("lvs.engine.errors", this.loops, l -> l.stream().mapToLong(EngineLoop::errors).sum())
        .tags(common).description("unexpected errors the engine loops survived (a bug when not zero)")
        .register(registry);
    Gauge.builder("lvs.engine.workers", this.loops, List::size).tags(common)
        .description("engine workers, each with its packet socket and its share of the connections")
        .register(registry);
  }

  public void bindSocketFilter(SocketFilter filter) {
    Gauge.builder("lvs.socket.filter.active", filter, f -> f.active() ? 1 : 0).tags(common)
        .description("1 while the packet socket has a kernel-side filter").register(registry);
    Gauge.builder("lvs.socket.filter.wide", filter, f -> f.wide() ? 1 : 0).tags(common)
        .description("1 while the filter passes ARP and all IPv4: the configuration is too big for it")
        .register(registry);
    Gauge.builder("lvs.socket.filter.addresses", filter, SocketFilter::addresses).tags(common)
        .description("addresses the packet socket's filter compares").register(registry);
  }

  /** How the kernel spreads frames over the engine workers, with more than one. */
  public void bindFanout(FanoutSteering fanout) {
    this.steering = fanout;
    Gauge.builder("lvs.fanout.single", fanout, f -> f.single() ? 1 : 0).tags(common)
        .description("1 while every frame goes to worker 0: the configuration is too big for the fanout program")
        .register(registry);
  }

  public void bindHealthChecks(HealthChecker health) {
    FunctionCounter.builder("lvs.health.transitions", health, HealthChecker::transitions).tags(common)
        .description("real servers turning healthy or unhealthy").register(registry);
  }

  /** Makes the per-real-server and per-VIP meters match the services of {@code t}. */
  public synchronized void sync(ForwardingTable t) {
    Map<Integer, Meter> vips = new HashMap<>();
    for (int vip : t.vipList()) {
      Meter m = perVip.remove(vip);
      if (m == null) {
        // 1 while this director answers ARP for the VIP (with failover, as it decided with its peers)
        m = Gauge.builder("lvs.vip.announced", engine, e -> e.snapshot().announcedSet().contains(vip) ? 1 : 0)
            .tags(common).tag("vip", Ipv4.format(vip)).description("1 while this director announces the VIP")
            .register(registry);
      }
      vips.put(vip, m);
    }
    perVip.values().forEach(registry::remove);
    perVip.clear();
    perVip.putAll(vips);
    Map<String, List<Meter>> keep = new HashMap<>();
    for (VirtualService s : t.serviceList()) {
      for (Destination d : s.destinations()) {
        String rs = Ipv4.format(d.address()) + ":" + d.port();
        // one VirtualService serves several ports (53/TCP and 53/UDP): protocol and port tell them apart
        String protocol = s.protocol() == Ipv4Header.PROTO_TCP ? "TCP" : "UDP";
        String port = Integer.toString(s.port());
        String key = s.name() + "|" + protocol + "|" + port + "|" + rs + "|" + System.identityHashCode(d.stats());
        List<Meter> meters = perRealServer.remove(key);
        if (meters == null) {
          meters = register(common.and("service", s.name(), "protocol", protocol, "port", port, "real_server", rs),
              d.stats());
        }
        keep.put(key, meters);
      }
    }
    perRealServer.values().forEach(list -> list.forEach(registry::remove));
    perRealServer.clear();
    perRealServer.putAll(keep);
  }

  private List<Meter> register(Tags tags, DestinationStats st) {
    List<Meter> m = new ArrayList<>();
    m.add(gauge("lvs.real.server.connections.active", tags, st, DestinationStats::activeConnections,
        "established connections to the real server"));
    m.add(gauge("lvs.real.server.connections.inactive", tags, st, DestinationStats::inactiveConnections,
        "connections to the real server in other states"));
    m.add(FunctionCounter.builder("lvs.real.server.connections", st, DestinationStats::totalConnections).tags(tags)
        .description("connections scheduled to the real server").register(registry));
    m.add(FunctionCounter.builder("lvs.real.server.packets", st, DestinationStats::packets).tags(tags)
        .description("packets forwarded to or from the real server").register(registry));
    m.add(FunctionCounter.builder("lvs.real.server.bytes", st, DestinationStats::bytes).tags(tags).baseUnit("bytes")
        .description("IP bytes forwarded to or from the real server").register(registry));
    m.add(gauge("lvs.real.server.healthy", tags, st, x -> x.healthy ? 1 : 0,
        "1 when the real server takes new connections"));
    return m;
  }

  private Meter gauge(String name, Tags tags, DestinationStats st, ToDoubleFunction<DestinationStats> f, String d) {
    return Gauge.builder(name, st, f).tags(tags).description(d).register(registry);
  }
}
