package io.lvsoperator.dataplane.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvsoperator.api.net.Ipv4Prefix;
import io.lvsoperator.api.v1alpha1.DirectorSpecReader;
import io.lvsoperator.dataplane.codec.MacAddress;
import io.lvsoperator.dataplane.control.ConfigCompiler;
import io.lvsoperator.dataplane.control.ForwardingTable;
import io.lvsoperator.dataplane.control.StatsRegistry;
import io.lvsoperator.dataplane.engine.Engine;
import io.lvsoperator.dataplane.io.InterfaceInfo;
import io.lvsoperator.dataplane.io.MemoryPacketPort;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
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
    DataplaneMetrics metrics = new DataplaneMetrics(registry, engine, "node-a", () -> 0);
    t.serviceList().get(0).destinations().get(0).stats().totalConnections = 3;
    t.serviceList().get(1).destinations().get(0).stats().totalConnections = 5;
    metrics.sync(t);

    List<String> series = registry.scrape().lines().filter(l -> l.startsWith("lvs_real_server_connections_total{"))
        .toList();
    assertThat(series).hasSize(2);
    assertThat(series).anySatisfy(l -> assertThat(l).contains("protocol=\"TCP\"").contains("port=\"53\"").endsWith(" 3.0"));
    assertThat(series).anySatisfy(l -> assertThat(l).contains("protocol=\"UDP\"").contains("port=\"53\"").endsWith(" 5.0"));
  }

  /** The reload-failure counter keeps counting after a garbage collection (Micrometer holds its state weakly). */
  @Test
  void theReloadFailureCounterOutlivesAGarbageCollection() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Engine engine = new Engine(new MemoryPacketPort(), new AtomicReference<>(), 1024, System::nanoTime);
    java.util.concurrent.atomic.AtomicLong failures = new java.util.concurrent.atomic.AtomicLong();
    DataplaneMetrics metrics = new DataplaneMetrics(registry, engine, "node-a", failures::get);
    assertThat(registry.scrape()).contains("lvs_config_reload_failures_total{director=\"node-a\"} 0.0");
    failures.set(3);
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    assertThat(registry.scrape()).contains("lvs_config_reload_failures_total{director=\"node-a\"} 3.0");
    assertThat(metrics).isNotNull();
  }
}
