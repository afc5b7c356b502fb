package io.lvsoperator.dataplane.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.net.Ipv4Prefix;
import io.lvsoperator.api.v1alpha1.DirectorSpecReader;
import io.lvsoperator.dataplane.codec.MacAddress;
import io.lvsoperator.dataplane.control.ConfigCompiler;
import io.lvsoperator.dataplane.control.ForwardingTable;
import io.lvsoperator.dataplane.control.StatsRegistry;
import io.lvsoperator.dataplane.engine.Engine;
import io.lvsoperator.dataplane.admin.StateView;
import io.lvsoperator.dataplane.engine.Engines;
import io.lvsoperator.dataplane.engine.Workers;
import io.lvsoperator.dataplane.lvs.conn.LocalPorts;
import io.lvsoperator.dataplane.io.InterfaceInfo;
import io.lvsoperator.dataplane.io.MemoryPacketPort;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class DataplaneMetricsTest {
  /** One VirtualService serving DNS on 53/TCP and 53/UDP: the same name and real servers twice. */
  @Test
  void servicesOfOneVirtualServiceOnTwoProtocolsKeepTheirOwnRealServerSeries() throws Exception {
    ForwardingTable t = new ConfigCompiler(new StatsRegistry()).compile(DirectorSpecReader.parse("""
        vips: [198.18.0.100]
        services:
          - {name: default/dns, vip: 198.18.0.100, port: 53, protocol: TCP, mode: DR,
             realServers: [{address: 198.18.0.11}]}
          - {name: default/dns, vip: 198.18.0.100, port: 53, protocol: UDP, mode: DR,
             realServers: [{address: 198.18.0.11}]}
        """), new InterfaceInfo("eth0", MacAddress.parse("02:00:00:00:00:01"), 1500,
        List.of(Ipv4Prefix.parse("198.18.0.5/24"))));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Engine engine = new Engine(new MemoryPacketPort(), new AtomicReference<>(t), 1024, System::nanoTime);
    DataplaneMetrics metrics = new DataplaneMetrics(registry, Engines.of(engine), "node-a", () -> 0);
    connectionsMade(t.serviceList().get(0).destinations().get(0).stats(), 3);
    connectionsMade(t.serviceList().get(1).destinations().get(0).stats(), 5);
    metrics.sync(t);

    List<String> series = registry.scrape().lines().filter(l -> l.startsWith("lvs_real_server_connections_total{"))
        .toList();
    assertThat(series).hasSize(2);
    assertThat(series).anySatisfy(l -> assertThat(l).contains("protocol=\"TCP\"").contains("port=\"53\"").endsWith(" 3.0"));
    assertThat(series).anySatisfy(l -> assertThat(l).contains("protocol=\"UDP\"").contains("port=\"53\"").endsWith(" 5.0"));
  }

  /**
   * Several workers: every counter is their sum, and each worker's frames show on their own, so a
   * user sees how evenly the kernel spreads the clients.
   */
  @Test
  void countersAreTheWorkersSumAndEachWorkersFramesShow() throws Exception {
    ForwardingTable t = new ConfigCompiler(new StatsRegistry(2)).compile(DirectorSpecReader.parse("""
        vips: [198.18.0.100]
        services: []
        """), new InterfaceInfo("eth0", MacAddress.parse("02:00:00:00:00:01"), 1500,
        List.of(Ipv4Prefix.parse("198.18.0.5/24"))));
    AtomicReference<ForwardingTable> tables = new AtomicReference<>(t);
    Workers workers = new Workers(2);
    List<MemoryPacketPort> ports = List.of(new MemoryPacketPort(), new MemoryPacketPort());
    List<Engine> engines = List.of(
        new Engine(ports.get(0), tables, 512, System::nanoTime, new LocalPorts(), workers, 0),
        new Engine(ports.get(1), tables, 512, System::nanoTime, new LocalPorts(), workers, 1));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new DataplaneMetrics(registry, new Engines(engines), "node-a", () -> 0);
    byte[] frame = new byte[60]; // IPv6 EtherType 0: ignored, but received
    for (int i = 0; i < 3; i++) {
      ports.get(0).offer(frame.clone());
    }
    ports.get(1).offer(frame.clone());
    ports.get(0).poll(engines.get(0), 10);
    ports.get(1).poll(engines.get(1), 10);

    String scrape = registry.scrape();
    assertThat(scrape.lines().filter(l -> l.startsWith("lvs_rx_frames_total{"))).singleElement()
        .satisfies(l -> assertThat(l).endsWith(" 4.0"));
    assertThat(scrape.lines().filter(l -> l.startsWith("lvs_worker_rx_frames_total{")))
        .anySatisfy(l -> assertThat(l).contains("worker=\"0\"").endsWith(" 3.0"))
        .anySatisfy(l -> assertThat(l).contains("worker=\"1\"").endsWith(" 1.0"));
    assertThat(scrape.lines().filter(l -> l.startsWith("lvs_connection_table_capacity{"))).singleElement()
        .satisfies(l -> assertThat(l).endsWith(" 1024.0"));
    assertThat(scrape.lines().filter(l -> l.startsWith("lvs_worker_messages_refused_total{"))).singleElement()
        .satisfies(l -> assertThat(l).endsWith(" 0.0"));
    Map<String, Object> state = StateView.of(t, new Engines(engines));
    assertThat(state.get("workers")).asList().hasSize(2).first()
        .isEqualTo(Map.of("connections", 0, "rxFrames", 3L));
  }

  /** lvs_vip_announced: 1 for what the engine announces, 0 for a VIP it serves for another director. */
  @Test
  void eachServedVipSaysWhetherThisDirectorAnnouncesIt() throws Exception {
    ForwardingTable t = new ConfigCompiler(new StatsRegistry()).compile(DirectorSpecReader.parse("""
        services:
          - {name: default/a, vip: 198.18.0.100, port: 80, realServers: [{address: 198.18.0.11}]}
          - {name: default/b, vip: 198.18.0.101, port: 80, realServers: [{address: 198.18.0.11}]}
        failover:
          node: a
          peers: [{name: a, address: 198.18.0.5, routerId: 1}]
          announce: [{address: 198.18.0.100, directors: [a]}, {address: 198.18.0.101, directors: [b, a]}]
        """), new InterfaceInfo("eth0", MacAddress.parse("02:00:00:00:00:01"), 1500,
        List.of(Ipv4Prefix.parse("198.18.0.5/24"))));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong(1_000_000_000L);
    Engine engine = new Engine(new MemoryPacketPort(), new AtomicReference<>(t), 1024, clock::get);
    DataplaneMetrics metrics = new DataplaneMetrics(registry, Engines.of(engine), "node-a", () -> 0);
    metrics.sync(t);
    engine.tick();
    assertThat(registry.scrape()).contains("lvs_vip_announced{director=\"node-a\",vip=\"198.18.0.100\"} 0.0");
    for (int i = 0; i < 22; i++) { // past its warm-up, ticking as the engine loop does
      clock.addAndGet(50_000_000L);
      engine.tick();
    }
    assertThat(registry.scrape()).contains("lvs_vip_announced{director=\"node-a\",vip=\"198.18.0.100\"} 1.0",
        "lvs_vip_announced{director=\"node-a\",vip=\"198.18.0.101\"} 0.0");
  }

  /** The reload-failure counter keeps counting after a garbage collection (Micrometer holds its state weakly). */
  @Test
  void theReloadFailureCounterOutlivesAGarbageCollection() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Engine engine = new Engine(new MemoryPacketPort(), new AtomicReference<>(), 1024, System::nanoTime);
    java.util.concurrent.atomic.AtomicLong failures = new java.util.concurrent.atomic.AtomicLong();
    DataplaneMetrics metrics = new DataplaneMetrics(registry, Engines.of(engine), "node-a", failures::get);
    assertThat(registry.scrape()).contains("lvs_config_reload_failures_total{director=\"node-a\"} 0.0");
    failures.set(3);
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    assertThat(registry.scrape()).contains("lvs_config_reload_failures_total{director=\"node-a\"} 3.0");
    assertThat(metrics).isNotNull();
  }

  /** {@code n} connections made and ended since the counters began. */
  static void connectionsMade(io.lvsoperator.dataplane.lvs.service.DestinationStats stats, int n) {
    for (int i = 0; i < n; i++) {
      stats.opened(0, false);
      stats.closed(0, false);
    }
  }
}
