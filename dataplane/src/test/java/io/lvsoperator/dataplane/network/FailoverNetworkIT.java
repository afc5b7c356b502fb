package io.lvsoperator.dataplane.network;

import static io.lvsoperator.dataplane.testsupport.DirectorLab.DIP;
import static io.lvsoperator.dataplane.testsupport.DirectorLab.DIP2;
import static io.lvsoperator.dataplane.testsupport.DirectorLab.GATEWAY;
import static io.lvsoperator.dataplane.testsupport.DirectorLab.REAL_SERVERS;
import static io.lvsoperator.dataplane.testsupport.DirectorLab.VIP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.lvsoperator.api.v1alpha1.ForwardingMode;
import io.lvsoperator.dataplane.testsupport.DirectorLab;
import io.lvsoperator.dataplane.testsupport.LabProcess;
import io.lvsoperator.dataplane.testsupport.Netns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two directors on one segment deciding between themselves (docs/architecture.md, "Director
 * liveness"), in each forwarding mode: while a client holds long-lived connections through the
 * VIP and keeps opening new ones, the owner's dataplane is killed with SIGKILL. The other one
 * takes the VIP (and a NAT gateway) over, the held connections go on (their entries reached it
 * through the connection sync; a hash scheduler would also adopt them), and new connections are
 * answered again within a second. With round robin, which nothing but the sync can save, the
 * client holds its connections only (one opened at the moment of the kill, younger than the
 * sync's gathering, would be lost: docs/architecture.md, "Connection sync"). Needs root.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FailoverNetworkIT {
  private static final Logger LOG = LoggerFactory.getLogger(FailoverNetworkIT.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PORT = 80;
  /** NAT real servers route through this address; it moves with the VIP. */
  private static final String NAT_GATEWAY = "198.18.0.254";
  private static final String ADMIN = "127.0.0.1:7479";
  private static final int HELD = 20;

  private DirectorLab lab;
  private Netns ns;
  private final List<LabProcess> perTest = new ArrayList<>();

  @BeforeAll
  void buildLab() throws Exception {
    Assumptions.assumeTrue(Netns.available(), "needs root and iproute2 (network namespaces)");
    lab = new DirectorLab(false, true);
    ns = lab.ns();
    for (String rs : REAL_SERVERS) {
      LabProcess server = ns.spawn(rs, rs + "-server", "python3", script("server.py"), "--name", rs,
          "--tcp-port", String.valueOf(PORT), "--udp-port", "5353");
      await().atMost(Duration.ofSeconds(15)).until(() -> server.output().contains("ready"));
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

  /** A mode, its service's scheduler, and how many new connections a second the client opens. */
  record Case(ForwardingMode mode, String scheduler, int rate) {
    @Override
    public String toString() {
      return mode + " " + scheduler + (rate == 0 ? ", held connections only" : "");
    }
  }

  static Stream<Case> cases() {
    return Stream.of(new Case(ForwardingMode.DR, "mh", 10), new Case(ForwardingMode.NAT, "mh", 10),
        new Case(ForwardingMode.TUN, "mh", 10), new Case(ForwardingMode.NAT, "rr", 0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void killingTheOwnerMovesTheVipToItsPeerWithinASecondAndHeldConnectionsGoOn(Case c) throws Exception {
    ForwardingMode mode = c.mode();
    lab.realServerGateway(mode == ForwardingMode.NAT ? NAT_GATEWAY : GATEWAY);
    if (mode != ForwardingMode.NAT) {
      List<LabProcess> helpers = new ArrayList<>();
      for (String rs : REAL_SERVERS) {
        LabProcess helper = ns.spawn(rs, rs + "-realserver-" + mode, DirectorLab.dataplane("realserver",
            "--interface", "eth0", "--mode", mode.name().toLowerCase(), "--vip", VIP).toArray(String[]::new));
        perTest.add(helper);
        helpers.add(helper);
      }
      for (LabProcess helper : helpers) {
        await().atMost(Duration.ofSeconds(20)).until(() -> helper.output().contains("ready"));
      }
    }
    LabProcess a = director("dir", "dir-a", DIP, mode, c.scheduler());
    LabProcess b = director("dir2", "dir-b", DIP2, mode, c.scheduler());
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      assertThat(a.alive()).as("dir-a running: %s", a.tail(3000)).isTrue();
      assertThat(b.alive()).as("dir-b running: %s", b.tail(3000)).isTrue();
      assertThat(announced("dir")).as("dir-a, first in the order").contains(VIP);
      assertThat(announced("dir2")).as("dir-b stands by").isEmpty();
    });
    // a NIC filtering multicast passes the advertisements and sync messages: the interface is in
    // VRRP's group and IPVS sync's
    assertThat(ns.exec("dir", "ip", "maddr", "show", "dev", "eth0")).contains("01:00:5e:00:00:12")
        .contains("01:00:5e:00:00:51");
    // two directors starting together may pass the VIP back and forth until both held their hold
    // time (the one ending it first claims for a moment, and its gratuitous ARP would send the
    // client's first connections its way): the client starts once both claim, a in the lead. b
    // may claim at 100 before it hears a's first advertisement at 100, and lets go on hearing it
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
      assertThat(state("dir").path("priority").asInt()).isEqualTo(100);
      assertThat(state("dir2").path("priority").asInt()).isEqualTo(100);
      assertThat(announced("dir")).contains(VIP);
      assertThat(announced("dir2")).isEmpty();
    });

    Path release = ns.workDir().resolve("release-" + mode + "-" + c.scheduler());
    LabProcess client = ns.spawn("cli", "cli-keep-" + mode + "-" + c.scheduler(), "python3", script("client.py"), "keep",
        "--host", VIP, "--port", String.valueOf(PORT), "--count", String.valueOf(HELD), "--interval", "0.1",
        "--rate", String.valueOf(c.rate()), "--timeout", "3", "--until", release.toString(), "--deadline", "40");
    perTest.add(client);
    await().atMost(Duration.ofSeconds(20)).until(() -> client.output().contains("{\"ready\""));
    assertThat(lastJson(client.output()).path("ready").asInt()).as("held connections opened").isEqualTo(HELD);
    Thread.sleep(1_000);

    JsonNode countersA = state("dir").path("counters");
    a.kill();
    double killedAt = System.currentTimeMillis() / 1000.0; // it is gone (waited for): the failure
    // its kernel keeps dropping NAT replies that still come to it (they would reach the client
    // untranslated, and its kernel would reset the real server's side of an adopted connection)
    String tables = ns.exec("dir", "nft", "list", "tables");
    assertThat(tables).as("what the killed director left").doesNotContain("lvs_dataplane_eth0");
    if (mode == ForwardingMode.NAT) {
      assertThat(tables).contains("netdev lvs_nat_shield_eth0");
    } else {
      assertThat(tables).doesNotContain("lvs_nat_shield_eth0");
    }
    await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
        .untilAsserted(() -> assertThat(announced("dir2")).as("dir-b took over").contains(VIP));
    Thread.sleep(3_000);
    Files.writeString(release, "go");
    assertThat(client.waitFor(15)).as("client finished: %s", client.tail(3000)).isTrue();
    JsonNode result = lastJson(client.output());
    double recoverMs = Double.MAX_VALUE;
    for (JsonNode n : result.path("new")) {
      if (n.get(2).asBoolean() && n.get(0).asDouble() >= killedAt) {
        recoverMs = Math.min(recoverMs, (n.get(1).asDouble() - killedAt) * 1000);
      }
    }
    JsonNode stateB = state("dir2");
    JsonNode countersB = stateB.path("counters");
    LOG.info("{}: recovered in {} ms; held {} survived {}, requests {} failed {}; dir-a made {} connections and"
        + " sent {} entries, dir-b made {}, installed {} and adopted {}", c, c.rate() > 0 ? Math.round(recoverMs) : "-",
        result.path("connections"), result.path("survived"), result.path("requests"), result.path("failedRequests"),
        countersA.path("connections_created"), countersA.path("sync_entries_sent"),
        countersB.path("connections_created"), countersB.path("sync_entries_installed"),
        countersB.path("connections_adopted"));
    if (c.rate() > 0) {
      assertThat(recoverMs).as("failure to the first new connection answered (ms): %s", result).isLessThan(1000);
    }
    assertThat(result.path("survived").asInt()).as("held connections that survived: %s", result).isEqualTo(HELD);
    assertThat(result.path("failedRequests").asInt()).as("%s", result).isZero();
    assertThat(countersB.path("sync_entries_installed").asLong()).as("entries dir-b holds from dir-a")
        .isGreaterThanOrEqualTo(HELD);
    if (c.scheduler().equals("rr")) {
      assertThat(countersB.path("connections_adopted").asLong()).as("rr adopts nothing: the sync kept them").isZero();
    }
  }

  private LabProcess director(String role, String node, String dip, ForwardingMode mode, String scheduler)
      throws Exception {
    Path config = ns.workDir().resolve(node + "-" + mode + "-" + scheduler + ".yaml");
    Files.writeString(config, config(node, dip, mode, scheduler));
    LabProcess p = ns.spawn(role, node + "-" + mode + "-" + scheduler, DirectorLab.dataplane("run", "--config", config.toString(),
        "--interface", "eth0", "--admin", ADMIN).toArray(String[]::new));
    perTest.add(p);
    return p;
  }

  private static String config(String node, String dip, ForwardingMode mode, String scheduler) {
    String gateway = mode == ForwardingMode.NAT
        ? "    - {address: " + NAT_GATEWAY + ", directors: [dir-a, dir-b]}\n" : "";
    return """
        generation: 1
        interface: eth0
        addresses: [%s/24]
        routes: [{prefix: 0.0.0.0/0, via: %s}]
        services:
          - name: test/tcp
            vip: %s
            port: %d
            mode: %s
            scheduler: %s
            realServers: [{address: 198.18.0.11}, {address: 198.18.0.12}]
        failover:
          node: %s
          holdSeconds: 2
          peers: [{name: dir-a, address: %s, routerId: 1}, {name: dir-b, address: %s, routerId: 2}]
          announce:
            - {address: %s, directors: [dir-a, dir-b]}
        %s""".formatted(dip, GATEWAY, VIP, PORT, mode, scheduler, node, DIP, DIP2, VIP, gateway);
  }

  private List<String> announced(String role) {
    List<String> out = new ArrayList<>();
    state(role).path("announced").forEach(n -> out.add(n.asText()));
    return out;
  }

  private JsonNode state(String role) {
    String body = ns.execQuiet(role, "curl", "-s", "--max-time", "2", "http://" + ADMIN + "/v1/state");
    try {
      return body.isBlank() ? MissingNode.getInstance() : JSON.readTree(body);
    } catch (JsonProcessingException e) {
      return MissingNode.getInstance();
    }
  }

  private static JsonNode lastJson(String output) throws JsonProcessingException {
    List<String> lines = output.lines().map(String::trim).filter(l -> l.startsWith("{")).toList();
    return lines.isEmpty() ? MissingNode.getInstance() : JSON.readTree(lines.get(lines.size() - 1));
  }

  private static String script(String name) {
    return Path.of("lab").resolve(name).toAbsolutePath().toString();
  }
}
