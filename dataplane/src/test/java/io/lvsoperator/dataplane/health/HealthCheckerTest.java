package io.lvsoperator.dataplane.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.api.v1alpha1.DirectorSpec;
import io.lvsoperator.api.v1alpha1.DirectorSpecReader;
import io.lvsoperator.api.v1alpha1.HealthCheckSpec;
import io.lvsoperator.dataplane.codec.MacAddress;
import io.lvsoperator.dataplane.control.ConfigCompiler;
import io.lvsoperator.dataplane.control.ForwardingTable;
import io.lvsoperator.dataplane.control.StatsRegistry;
import io.lvsoperator.dataplane.io.InterfaceInfo;
import io.lvsoperator.dataplane.lvs.service.DestinationStats;
import java.net.InetSocketAddress;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Health checks against servers on loopback (the only place a unit test may send to). */
class HealthCheckerTest {
  /**
   * Read without the validator, which refuses loopback real servers (no tenant may probe the
   * director's own host); loopback is the only place a unit test may send to.
   */
  static DirectorSpec unchecked(String yaml) throws Exception {
    return DirectorSpecReader.mapper().readValue(yaml, DirectorSpec.class);
  }

  static ForwardingTable table(String type, int port) throws Exception {
    String yaml = """
        addresses: [127.0.0.2/8]
        services:
          - vip: 198.18.0.100
            port: %d
            mode: NAT
            healthCheck: {type: %s, path: /health, intervalSeconds: 1, timeoutSeconds: 1, rise: 2, fall: 1}
            realServers: [{address: 127.0.0.1, port: %d}]
        """.formatted(port, type, port);
    return new ConfigCompiler(new StatsRegistry()).compile(unchecked(yaml),
        new InterfaceInfo("lo", MacAddress.parse("02:00:00:00:00:01"), 1500, List.of()));
  }

  static DestinationStats stats(ForwardingTable t) {
    return t.serviceList().get(0).destinations().get(0).stats();
  }

  @Test
  void tcpCheckTakesAServerOutAfterFallAndBackAfterRise() throws Exception {
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress("127.0.0.1", 0));
    int port = server.getLocalPort();
    ForwardingTable t = table("tcp", port);
    try (HealthChecker checker = new HealthChecker()) {
      checker.follow(t);
      assertThat(stats(t).healthy).isTrue();
      server.close();
      await().atMost(Duration.ofSeconds(10)).until(() -> !stats(t).healthy);
      assertThat(checker.transitions()).isEqualTo(1);
      try (ServerSocket again = new ServerSocket()) {
        again.setReuseAddress(true);
        again.bind(new InetSocketAddress("127.0.0.1", port));
        await().atMost(Duration.ofSeconds(10)).until(() -> stats(t).healthy);
      }
      assertThat(checker.transitions()).isEqualTo(2);
    }
  }

  @Test
  void aUdpServiceIsProbedOnTheTcpPortItsCheckNames() throws Exception {
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress("127.0.0.1", 0));
    int checkPort = server.getLocalPort();
    // nothing listens on TCP 9 (discard) of loopback: a probe of the service port would fail
    String yaml = """
        addresses: [127.0.0.2/8]
        services:
          - {vip: 198.18.0.100, port: 9, protocol: UDP, mode: NAT,
             healthCheck: {type: tcp, port: %d, intervalSeconds: 1, timeoutSeconds: 1, rise: 1, fall: 1},
             realServers: [{address: 127.0.0.1}]}
        """.formatted(checkPort);
    ForwardingTable t = new ConfigCompiler(new StatsRegistry()).compile(unchecked(yaml),
        new InterfaceInfo("lo", MacAddress.parse("02:00:00:00:00:01"), 1500, List.of()));
    try (HealthChecker checker = new HealthChecker()) {
      checker.follow(t);
      await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5)).until(() -> stats(t).healthy);
      assertThat(checker.transitions()).isZero();
      server.close();
      await().atMost(Duration.ofSeconds(10)).until(() -> !stats(t).healthy);
    }
  }

  @Test
  void httpCheckWantsA2xxOr3xxStatus() throws Exception {
    AtomicInteger status = new AtomicInteger(200);
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    http.createContext("/health", ex -> {
      ex.sendResponseHeaders(status.get(), -1);
      ex.close();
    });
    http.start();
    try {
      int port = http.getAddress().getPort();
      HealthCheckSpec spec = new HealthCheckSpec("http", "/health", 1, 1, 1, 1, null);
      int lo = Ipv4.parse("127.0.0.1");
      try (ProbeLoop probes = new ProbeLoop()) {
        assertThat(probe(probes, spec, lo, port)).isTrue();
        status.set(302);
        assertThat(probe(probes, spec, lo, port)).isTrue();
        status.set(503);
        assertThat(probe(probes, spec, lo, port)).isFalse();
      }
      ForwardingTable t = table("http", port);
      try (HealthChecker checker = new HealthChecker()) {
        checker.follow(t);
        await().atMost(Duration.ofSeconds(10)).until(() -> !stats(t).healthy);
        status.set(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> stats(t).healthy);
      }
    } finally {
      http.stop(0);
    }
  }

  static boolean probe(ProbeLoop probes, HealthCheckSpec spec, int address, int port) throws Exception {
    CompletableFuture<Boolean> result = new CompletableFuture<>();
    probes.submit(new ProbeLoop.Probe("test", spec, address, port, result::complete));
    return result.get(10, TimeUnit.SECONDS);
  }

  /**
   * One tenant's service has 64 real servers that accept and never answer its HTTP check (the
   * longest timeout); another service's check goes on at its own pace. With probes on four
   * blocking threads, the second waited behind the first's timeouts.
   */
  @Test
  void aServiceWhoseRealServersHangDoesNotDelayAnothersChecks() throws Exception {
    List<Socket> held = new ArrayList<>();
    try (ServerSocket silent = new ServerSocket()) {
      silent.bind(new InetSocketAddress("127.0.0.1", 0), 256);
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            Socket s = silent.accept();
            synchronized (held) {
              held.add(s); // accepted, never answered
            }
          }
        } catch (IOException e) {
          // closed at the end
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      ServerSocket healthy = new ServerSocket();
      healthy.setReuseAddress(true);
      healthy.bind(new InetSocketAddress("127.0.0.1", 0));
      int port = healthy.getLocalPort();
      StringBuilder reals = new StringBuilder();
      for (int i = 0; i < 64; i++) {
        reals.append(i == 0 ? "" : ", ").append("{address: 127.0.0.1, port: ").append(silent.getLocalPort() + 0)
            .append(", weight: ").append(i + 1).append("}");
      }
      String yaml = """
          addresses: [127.0.0.2/8]
          services:
            - {name: tenant/hangs, vip: 198.18.0.100, port: 80, mode: NAT,
               healthCheck: {type: http, path: /, intervalSeconds: 1, timeoutSeconds: 60, rise: 1, fall: 1},
               realServers: [%s]}
            - {name: other/web, vip: 198.18.0.101, port: 80, mode: NAT,
               healthCheck: {type: tcp, intervalSeconds: 1, timeoutSeconds: 1, rise: 1, fall: 1},
               realServers: [{address: 127.0.0.1, port: %d}]}
          """.formatted(reals, port);
      ForwardingTable t = new ConfigCompiler(new StatsRegistry()).compile(unchecked(yaml),
          new InterfaceInfo("lo", MacAddress.parse("02:00:00:00:00:01"), 1500, List.of()));
      DestinationStats other = t.serviceList().get(1).destinations().get(0).stats();
      try (HealthChecker checker = new HealthChecker()) {
        checker.follow(t);
        await().atMost(Duration.ofSeconds(5)).until(() -> {
          synchronized (held) {
            return held.size() >= ProbeLoop.PER_SERVICE;
          }
        });
        healthy.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> !other.healthy);
        try (ServerSocket again = new ServerSocket()) {
          again.setReuseAddress(true);
          again.bind(new InetSocketAddress("127.0.0.1", port));
          await().atMost(Duration.ofSeconds(5)).until(() -> other.healthy);
        }
        synchronized (held) {
          assertThat(held.size()).as("the hanging service's probes in flight at once").isEqualTo(ProbeLoop.PER_SERVICE);
        }
      }
    } finally {
      synchronized (held) {
        for (Socket s : held) {
          s.close();
        }
      }
    }
  }

  @Test
  void aServiceWithoutHealthCheckIsNotProbed() throws Exception {
    ForwardingTable t = new ConfigCompiler(new StatsRegistry()).compile(unchecked("""
        addresses: [127.0.0.2/8]
        services: [{vip: 198.18.0.100, port: 1, mode: NAT, realServers: [{address: 127.0.0.1, port: 1}]}]
        """), new InterfaceInfo("lo", 2L, 1500, List.of()));
    try (HealthChecker checker = new HealthChecker()) {
      checker.follow(t);
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> stats(t).healthy);
    }
  }
}
