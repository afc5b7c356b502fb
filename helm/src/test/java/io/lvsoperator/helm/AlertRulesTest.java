package io.lvsoperator.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's alerts as Prometheus evaluates them: the rendered PrometheusRule goes through
 * {@code promtool test rules} with alerts-test.yaml, where every alert has a case that makes it
 * fire on a fault's series and one where it stays quiet.
 */
class AlertRulesTest {
  private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

  @Test
  void everyAlertFiresOnItsFaultAndStaysQuietWhenHealthy(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(PROMTOOL), "needs promtool (Debian's prometheus package; .ci/run installs it)");
    List<HasMetadata> objects = ChartTest.render(Map.of("metrics.prometheusRule.enabled", true,
        "metrics.prometheusRule.dropRateThreshold", 100));
    GenericKubernetesResource rule = (GenericKubernetesResource) objects.stream()
        .filter(o -> o.getKind().equals("PrometheusRule")).findFirst().orElseThrow();
    Object spec = rule.getAdditionalProperties().get("spec");
    Files.writeString(dir.resolve("rules.yaml"), Serialization.asYaml(spec));
    Path tests = dir.resolve("alerts-test.yaml");
    try (InputStream in = AlertRulesTest.class.getResourceAsStream("/alerts-test.yaml")) {
      Files.copy(in, tests);
    }

    Set<String> alerts = new TreeSet<>();
    for (Object group : (List<?>) ((Map<?, ?>) spec).get("groups")) {
      for (Object r : (List<?>) ((Map<?, ?>) group).get("rules")) {
        alerts.add(String.valueOf(((Map<?, ?>) r).get("alert")));
      }
    }
    Set<String> fires = new TreeSet<>();
    Set<String> quiet = new TreeSet<>();
    for (Object t : (List<?>) Serialization.unmarshal(Files.readString(tests), Map.class).get("tests")) {
      for (Object c : (List<?>) ((Map<?, ?>) t).get("alert_rule_test")) {
        Map<?, ?> check = (Map<?, ?>) c;
        ((List<?>) check.get("exp_alerts")).stream().findAny().ifPresentOrElse(
            a -> fires.add(String.valueOf(check.get("alertname"))), () -> quiet.add(String.valueOf(check.get("alertname"))));
      }
    }
    assertThat(fires).as("alerts with a case where they fire").isEqualTo(alerts);
    assertThat(quiet).as("alerts with a case where they stay quiet").isEqualTo(alerts);

    Process p = new ProcessBuilder(PROMTOOL.toString(), "test", "rules", tests.getFileName().toString())
        .directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("promtool test rules:\n%s", out).isZero();
    assertThat(out).contains("SUCCESS");
  }
}
