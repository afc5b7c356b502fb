package io.lvsoperator.dataplane.network;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lvsoperator.dataplane.testsupport.Netns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The README's first command, `lab/lab.sh`, as a user runs it: the whole product (API, operator,
 * two directors, three real servers) with `--once`, and each scenario of the write-up with the
 * packets that prove its point. The script asserts its own checks; this test holds it to them and
 * to the lines a user must see. Runs this build's classes (LVS_CLASSPATH) and operator jar.
 */
@Timeout(300)
class LabScriptIT {
  private static final Path LAB = Path.of("lab/lab.sh").toAbsolutePath();
  private static final Path OPERATOR_JAR = Path.of("../operator/target/lvs-operator.jar").toAbsolutePath();

  @BeforeAll
  static void needsRoot() {
    Assumptions.assumeTrue(Netns.available(), "needs root and iproute2 (network namespaces)");
    Assumptions.assumeTrue(Files.exists(OPERATOR_JAR), "needs " + OPERATOR_JAR + " (run mvn verify)");
  }

  record Run(int exit, String output) {}

  private static Run lab(String... args) throws IOException, InterruptedException {
    Path out = Files.createTempFile("lab", ".txt");
    try {
      List<String> command = new ArrayList<>(List.of(LAB.toString()));
      command.addAll(List.of(args));
      ProcessBuilder pb = new ProcessBuilder(command);
      pb.environment().put("LVS_CLASSPATH", System.getProperty("java.class.path"));
      pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
      pb.redirectErrorStream(true).redirectOutput(out.toFile());
      Process p = pb.start();
      if (!p.waitFor(240, TimeUnit.SECONDS)) {
        p.destroy(); // the script's trap removes its namespaces and processes
        p.waitFor(30, TimeUnit.SECONDS);
      }
      String output = Files.readString(out, StandardCharsets.UTF_8);
      System.out.println(output);
      return new Run(p.isAlive() ? -1 : p.exitValue(), output);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static List<String> labNamespaces() throws IOException, InterruptedException {
    Process p = new ProcessBuilder("ip", "netns", "list").start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out.lines().filter(l -> l.startsWith("lvslab-")).toList();
  }

  @Test
  void theWholeProductComesUpServesEveryVipFailsOverAndLeavesNothingBehind() throws Exception {
    Run run = lab("--once");
    assertThat(run.output()).doesNotContain("FAIL");
    assertThat(run.exit()).as("exit status").isZero();
    assertThat(run.output())
        .containsPattern("first request through a VIP answered [0-9.]+ s after start")
        .contains("ok    DR  198.18.0.100:80   TCP  rs1=4 rs2=2 rs3=2 errors=0",
            "ok    NAT 198.18.0.101:8080 TCP  rs1=3 rs2=3 rs3=3 errors=0",
            "ok    NAT 198.18.0.101:5353 UDP  rs1=3 rs2=3 rs3=3 errors=0")
        .containsPattern("ok    TUN 198\\.18\\.0\\.102:80   TCP  .*errors=0")
        .contains("ok    web-dr Ready, 3/3 real servers", "ok    web-nat Ready, 3/3 real servers",
            "ok    web-tun Ready, 3/3 real servers")
        .containsPattern("virtualservice.lvsoperator.io/web-(dr|nat|tun) created")
        .containsPattern("ok    node-[ab] announces 198.18.0.101 and the NAT real servers' gateway 198.18.0.254")
        // failover: the NAT VIP and its gateway move together, and NAT traffic goes on
        .containsPattern("web-nat moved to node-[ab] [0-9.]+ s after the dataplane was told to stop")
        .containsPattern("ok    NAT 198.18.0.101:8080 TCP  rs1=3 rs2=3 rs3=3 errors=0   \\(rr, now through node-[ab]\\)")
        .contains("all checks passed");
    assertThat(labNamespaces()).isEmpty();
    assertThat(Path.of("/run/lvslab")).doesNotExist();
  }

  @ParameterizedTest
  @ValueSource(strings = {"arp", "route", "snat", "nat", "dr", "tun", "fullnat"})
  void aScenarioProvesItsPoint(String scenario) throws Exception {
    Run run = lab("scenario", scenario);
    assertThat(run.output()).doesNotContain("FAIL");
    assertThat(run.exit()).as("exit status").isZero();
    assertThat(run.output()).contains("scenario " + scenario + ": proven");
    // the one line of each trace that makes the point, as the user reads it
    String point = switch (scenario) {
      case "arp" -> "to a +b > a +ARP Reply b is-at 02:00:00:00:01:0b \\(b\\)";
      case "route" -> "r2 > r1 +198\\.18\\.8\\.2 > 198\\.18\\.3\\.2: ICMP echo reply";
      case "snat" -> "router > server +router\\.[0-9]+ > server\\.80: TCP \\[S\\]";
      case "nat" -> "director > rs1 +CIP\\.[0-9]+ > RIP\\.8080: TCP \\[S\\]";
      case "dr" -> "director > rs1 +CIP\\.[0-9]+ > VIP\\.80: TCP \\[S\\]";
      case "tun" -> "director > rs1 +DIP > RIP: CIP\\.[0-9]+ > VIP\\.80: TCP \\[S\\]";
      case "fullnat" -> "director > rs1 +VIP\\.6[0-9]+ > RIP\\.8080: TCP \\[S\\]";
      default -> throw new IllegalArgumentException(scenario);
    };
    assertThat(run.output()).containsPattern(point);
    assertThat(labNamespaces()).isEmpty();
  }

  /**
   * `lab.sh scenario failover --quick --json`: the director announcing each VIP killed with
   * SIGKILL under held connections; in every mode (FULLNAT through a Service of type
   * LoadBalancer) the VIP moves within a second and the held connections go on.
   */
  @Test
  void theFailoverScenarioMeetsItsTargetsInEveryMode() throws Exception {
    Run run = lab("scenario", "failover", "--quick", "--json");
    assertThat(run.output()).doesNotContain("FAIL");
    assertThat(run.exit()).as("exit status").isZero();
    assertThat(run.output()).contains("failover: 4 of 4 faults within the targets");
    String last = run.output().strip().lines().reduce((a, b) -> b).orElseThrow();
    JsonNode rows = new ObjectMapper().readTree(last);
    assertThat(rows).hasSize(4);
    for (JsonNode r : rows) {
      assertThat(r.path("fault").asText()).isEqualTo("kill-9");
      assertThat(r.path("recoverMs").asInt(Integer.MAX_VALUE)).as("%s", r).isLessThan(1000);
      assertThat(r.path("survivedPercent").asDouble()).as("%s", r).isGreaterThanOrEqualTo(99.0);
      assertThat(r.path("heldConnections").asInt()).as("%s", r).isEqualTo(50);
    }
    // FULLNAT through the Service of type LoadBalancer, from its VIP: held through the sync alone
    assertThat(rows.findValuesAsText("mode")).containsExactly("DR", "NAT", "TUN", "FULLNAT");
    assertThat(labNamespaces()).isEmpty();
  }

  /** `lab.sh scenario chaos`: every fault is survived, traffic recovers after each, nothing is left. */
  @Test
  void theLabRecoversFromEveryFault() throws Exception {
    Run run = lab("scenario", "chaos");
    assertThat(run.output()).doesNotContain("FAIL");
    assertThat(run.exit()).as("exit status").isZero();
    assertThat(run.output()).contains("chaos: traffic recovered from every fault")
        .containsPattern("link-flap +198\\.18\\.0\\.100:80 +[0-9]+ +[0-9]+ +[0-9.]+")
        .containsPattern("forged-arp +198\\.18\\.0\\.101:8080 +[0-9]+ +[0-9]+ +[0-9.]+")
        .contains("ok    no probe failed while the admin endpoints were held");
    assertThat(labNamespaces()).isEmpty();
    assertThat(Path.of("/run/lvslab")).doesNotExist();
  }
}
