package io.lvsoperator.dataplane.network;

import static io.lvsoperator.dataplane.testsupport.DirectorLab.DIP;
import static io.lvsoperator.dataplane.testsupport.DirectorLab.GATEWAY;
import static io.lvsoperator.dataplane.testsupport.DirectorLab.VIP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lvsoperator.api.v1alpha1.ForwardingMode;
import io.lvsoperator.dataplane.testsupport.DirectorLab;
import io.lvsoperator.dataplane.testsupport.LabProcess;
import io.lvsoperator.dataplane.testsupport.Netns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The director on real Linux networking: client, router, director and two real servers in
 * network namespaces, real TCP and UDP through the VIP in every mode, on a bare interface and on
 * a node-like one (kernel address, ip_forward=1). Needs root; skipped otherwise.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class DirectorNetworkIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path LAB_SCRIPTS = Path.of("lab").toAbsolutePath();
  private static final int TCP_PORT = 80;
  private static final int UDP_NAT_PORT = 5353;
  private static final int UDP_DR_PORT = 5354;

  private DirectorLab lab;
  private Netns ns;
  private final List<LabProcess> perTest = new ArrayList<>();
  private long generation;

  @BeforeAll
  void buildLab() throws Exception {
    Assumptions.assumeTrue(Netns.available(), "needs root and iproute2 (network namespaces)");
    lab = new DirectorLab();
    ns = lab.ns();
    for (String rs : DirectorLab.REAL_SERVERS) {
      // lets the UDP server bind the VIP before the realserver helper puts it on lo (DR)
      ns.exec(rs, "sysctl", "-qw", "net.ipv4.ip_nonlocal_bind=1");
      LabProcess server = ns.spawn(rs, rs + "-server", "python3", LAB_SCRIPTS.resolve("server.py").toString(),
          "--name", rs, "--tcp", String.valueOf(TCP_PORT), "--udp", "0.0.0.0:" + UDP_NAT_PORT,
          "--udp", VIP + ":" + UDP_DR_PORT);
      await().atMost(Duration.ofSeconds(10)).until(() -> server.output().contains("ready"));
    }
  }

  @AfterAll
  void tearDown() {
    if (lab != null) {
      lab.close();
    }
  }

  @AfterEach
  void stopPerTestProcesses() {
    for (int i = perTest.size() - 1; i >= 0; i--) {
      perTest.get(i).stop();
    }
    perTest.clear();
  }

  static Stream<Arguments> modes() {
    List<Arguments> out = new ArrayList<>();
    for (String iface : List.of("bare", "node-like")) {
      for (ForwardingMode mode : ForwardingMode.values()) {
        out.add(Arguments.of(mode, iface));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} on a {1} interface")
  @MethodSource("modes")
  void forwardsEveryConnectionOnceInTheSchedulersProportion(ForwardingMode mode, String iface) throws Exception {
    boolean nodeLike = iface.equals("node-like");
    Path config = startDirector(mode, nodeLike, true);

    List<LabProcess> synCaptures = new ArrayList<>();
    for (String rs : DirectorLab.REAL_SERVERS) {
      String filter = mode == ForwardingMode.TUN
          ? "ip proto 4 and ip[29] == 6 and ip[53] & 0x12 == 2"
          : "tcp and tcp[13] & 0x12 == 2";
      synCaptures.add(capture(rs, rs + "-syn", filter));
    }
    LabProcess leaks = capture("cli", "cli-leak", "ip and dst host " + DirectorLab.CLIENT + " and not src host " + VIP);

    JsonNode spread = client("spread", TCP_PORT, 30);
    assertThat(count(spread, "rs1")).as("rs1 of %s", spread).isEqualTo(20);
    assertThat(count(spread, "rs2")).as("rs2 of %s", spread).isEqualTo(10);
    assertThat(count(spread, "errors")).isZero();

    if (mode != ForwardingMode.TUN) {
      int udpPort = mode == ForwardingMode.NAT ? UDP_NAT_PORT : UDP_DR_PORT;
      JsonNode udp = client("udp", udpPort, 30);
      assertThat(count(udp, "rs1")).as("udp %s", udp).isEqualTo(20);
      assertThat(count(udp, "rs2")).as("udp %s", udp).isEqualTo(10);
    }

    Map<String, Integer> syns = Map.of("rs1", packets(synCaptures.get(0)), "rs2", packets(synCaptures.get(1)));
    assertThat(syns).as("SYNs seen by each real server").containsEntry("rs1", 20).containsEntry("rs2", 10);
    assertThat(packets(leaks)).as("packets reaching the client from anything but the VIP").isZero();

    reloadWithoutRs2KeepsOpenConnections(config, mode, nodeLike);

    stopPerTestProcesses();
    assertThat(ns.exec("dir", "nft", "list", "ruleset").trim()).as("kernel guard removed at stop").isEmpty();
    for (String rs : DirectorLab.REAL_SERVERS) {
      assertThat(ns.exec(rs, "ip", "-4", "addr", "show", "dev", "lo")).as("realserver undone")
          .doesNotContain(VIP + "/32");
    }
  }

  private void reloadWithoutRs2KeepsOpenConnections(Path config, ForwardingMode mode, boolean nodeLike)
      throws Exception {
    Path flag = ns.workDir().resolve("second-round-" + mode + nodeLike);
    LabProcess hold = ns.spawn("cli", "cli-hold", "python3", LAB_SCRIPTS.resolve("client.py").toString(), "hold",
        "--vip", VIP, "--port", String.valueOf(TCP_PORT), "--count", "3", "--until", flag.toString(),
        "--deadline", "40");
    perTest.add(hold);
    await().atMost(Duration.ofSeconds(10)).until(() -> hold.output().contains("ready"));
    Files.writeString(config, configYaml(mode, nodeLike, false));
    long expected = generation;
    await().atMost(Duration.ofSeconds(10)).until(() -> state().path("generation").asLong() == expected);
    Files.writeString(flag, "go");
    assertThat(hold.waitFor(20)).isTrue();
    String out = hold.output();
    JsonNode result = JSON.readTree(out.substring(out.lastIndexOf("{\"first\"")));
    assertThat(result.get("first").toString()).contains("rs2");
    assertThat(result.get("second")).as("held connections after the reload").isEqualTo(result.get("first"));

    JsonNode after = client("spread", TCP_PORT, 10);
    assertThat(count(after, "rs1")).as("new connections after removing rs2: %s", after).isEqualTo(10);
  }

  @Test
  void answersPingToTheVipAndArpOnlyForWhatItOwns() throws Exception {
    startDirector(ForwardingMode.DR, false, true);
    String ping = ns.execQuiet("cli", "ping", "-c", "3", "-W", "1", "-i", "0.2", VIP);
    assertThat(ping).contains("3 received");
    // the router asks for an address nobody holds: the director must stay silent
    ns.execQuiet("rtr", "ping", "-c", "1", "-W", "1", "198.18.0.77");
    assertThat(ns.exec("rtr", "ip", "neigh", "show", "198.18.0.77")).doesNotContain("lladdr");
    assertThat(ns.exec("rtr", "ip", "neigh", "show", VIP)).contains("lladdr");
    JsonNode counters = state().path("counters");
    assertThat(counters.path("icmp_echo_replies_sent").asLong()).isGreaterThanOrEqualTo(3);
    assertThat(counters.path("gratuitous_arp_sent").asLong()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void refusesAnInvalidReloadAndKeepsForwarding() throws Exception {
    Path config = startDirector(ForwardingMode.NAT, false, true);
    long applied = generation;
    Files.writeString(config, configYaml(ForwardingMode.NAT, false, true).replace("port: 80", "port: 99999"));
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(reloadFailures())
        .as("reload failures; director log: %s", lastDirectorLog()).isGreaterThanOrEqualTo(1));
    assertThat(state().path("generation").asLong()).isEqualTo(applied);
    JsonNode spread = client("spread", TCP_PORT, 3);
    assertThat(count(spread, "errors")).isZero();
  }

  // --- helpers ---

  private Path startDirector(ForwardingMode mode, boolean nodeLike, boolean withRs2) throws Exception {
    lab.directorInterface(nodeLike);
    lab.realServerGateway(mode == ForwardingMode.NAT ? DIP : GATEWAY);
    if (mode != ForwardingMode.NAT) {
      for (String rs : DirectorLab.REAL_SERVERS) {
        LabProcess helper = ns.spawn(rs, rs + "-realserver-" + mode, DirectorLab.dataplane("realserver",
            "--interface", "eth0", "--mode", mode.name().toLowerCase(), "--vip", VIP).toArray(String[]::new));
        perTest.add(helper);
        await().atMost(Duration.ofSeconds(20)).until(() -> helper.output().contains("real server ready"));
      }
    }
    generation = 0;
    Path config = ns.workDir().resolve("director-" + mode + "-" + nodeLike + ".yaml");
    Files.writeString(config, configYaml(mode, nodeLike, withRs2));
    LabProcess director = ns.spawn("dir", "director-" + mode + "-" + nodeLike,
        DirectorLab.dataplane("run", "--config", config.toString(), "--interface", "eth0").toArray(String[]::new));
    perTest.add(director);
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
      assertThat(director.alive()).as("director running: %s", director.output()).isTrue();
      return ns.execQuiet("dir", "curl", "-s", "http://127.0.0.1:9100/healthz").startsWith("ok");
    });
    return config;
  }

  private String configYaml(ForwardingMode mode, boolean nodeLike, boolean withRs2) {
    generation++;
    String rs2 = withRs2 ? ", {address: 198.18.0.12, weight: 1}" : "";
    StringBuilder y = new StringBuilder();
    y.append("generation: ").append(generation).append('\n');
    y.append("interface: eth0\n");
    if (!nodeLike) {
      y.append("addresses: [").append(DIP).append("/24]\n");
    }
    y.append("vips: [").append(VIP).append("]\n");
    y.append("routes: [{prefix: 0.0.0.0/0, via: ").append(GATEWAY).append("}]\n");
    y.append("connectionTable: {maxEntries: 65536}\n");
    y.append("services:\n");
    service(y, "test/tcp", "TCP", TCP_PORT, mode, rs2);
    if (mode == ForwardingMode.NAT) {
      service(y, "test/udp", "UDP", UDP_NAT_PORT, mode, rs2);
    } else if (mode == ForwardingMode.DR) {
      service(y, "test/udp", "UDP", UDP_DR_PORT, mode, rs2);
    }
    return y.toString();
  }

  private static void service(StringBuilder y, String name, String proto, int port, ForwardingMode mode, String rs2) {
    y.append("  - {name: ").append(name).append(", vip: ").append(VIP).append(", port: ").append(port)
        .append(", protocol: ").append(proto).append(", mode: ").append(mode).append(", scheduler: wrr,\n")
        .append("     realServers: [{address: 198.18.0.11, weight: 2}").append(rs2).append("]}\n");
  }

  private LabProcess capture(String role, String label, String filter) {
    Path file = ns.workDir().resolve(label + ".pcap");
    LabProcess p = ns.spawn(role, label, "tcpdump", "-i", "eth0", "-U", "-nn", "--immediate-mode", "-w",
        file.toString(), filter);
    perTest.add(p);
    await().atMost(Duration.ofSeconds(10)).until(() -> p.output().contains("listening on"));
    return p;
  }

  /** Stops a capture and counts its packets. */
  private int packets(LabProcess capture) {
    capture.stop();
    Path file = ns.workDir().resolve(capture.name() + ".pcap");
    String text = ns.host("tcpdump", "-nn", "-r", file.toString());
    return (int) text.lines().filter(l -> !l.isBlank() && !l.startsWith("reading from")).count();
  }

  private JsonNode client(String mode, int port, int count) throws Exception {
    String out = ns.exec("cli", "python3", LAB_SCRIPTS.resolve("client.py").toString(), mode, "--vip", VIP,
        "--port", String.valueOf(port), "--count", String.valueOf(count), "--deadline", "30");
    return JSON.readTree(out.trim());
  }

  private static int count(JsonNode n, String key) {
    return n.path(key).asInt(0);
  }

  private JsonNode state() throws Exception {
    return JSON.readTree(ns.execQuiet("dir", "curl", "-s", "http://127.0.0.1:9100/v1/state"));
  }

  private double reloadFailures() {
    return metrics().lines().filter(l -> l.startsWith("lvs_config_reload_failures_total"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  private String lastDirectorLog() {
    return perTest.stream().filter(p -> p.name().startsWith("director")).reduce((a, b) -> b).map(LabProcess::output)
        .orElse("(none)");
  }

  private String metrics() {
    return ns.execQuiet("dir", "curl", "-s", "http://127.0.0.1:9100/metrics");
  }
}
