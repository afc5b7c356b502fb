package io.lvsoperator.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The chart linted and rendered by Helm itself (helm-java), and what it renders checked as objects. */
class ChartTest {
  static final Path CHART = Path.of("lvs-operator");

  static List<HasMetadata> render(Map<String, Object> values) {
    TemplateCommand t = new Helm(CHART).template().withName("lvs").withNamespace("lvs-system");
    values.forEach(t::set);
    List<HasMetadata> out = new ArrayList<>();
    for (String doc : t.call().split("(?m)^---\\s*$")) {
      if (doc.lines().anyMatch(l -> l.startsWith("kind:"))) {
        out.add(Serialization.unmarshal(doc, HasMetadata.class));
      }
    }
    return out;
  }

  static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type, String name) {
    return objects.stream().filter(type::isInstance).map(type::cast).filter(o -> o.getMetadata().getName().equals(name))
        .findFirst().orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
  }

  static Map<String, List<String>> rules(ClusterRole role) {
    return role.getRules().stream().collect(Collectors.toMap(
        (PolicyRule r) -> String.join(",", r.getApiGroups()) + "/" + String.join(",", r.getResources()),
        PolicyRule::getVerbs));
  }

  @Test
  void lintsCleanly() {
    LintResult lint = new Helm(CHART).lint().strict().call();
    assertThat(lint.isFailed()).as("%s", lint.getMessages()).isFalse();
  }

  @Test
  void rbacIsExactlyWhatEachProcessNeeds() {
    List<HasMetadata> objects = render(Map.of());
    assertThat(rules(one(objects, ClusterRole.class, "lvs-dataplane"))).containsExactlyInAnyOrderEntriesOf(Map.of(
        "lvsoperator.io/directorconfigs,directorconfigparts", List.of("get", "list", "watch"),
        "lvsoperator.io/directors", List.of("get", "list", "watch", "create", "update"),
        "lvsoperator.io/directors/status", List.of("get", "update", "patch"),
        "/nodes", List.of("get")));
    assertThat(one(objects, Role.class, "lvs-dataplane-lease").getRules()).singleElement().satisfies(r -> {
      assertThat(r.getResources()).containsExactly("leases");
      assertThat(r.getVerbs()).containsExactly("get", "create", "update", "delete");
    });
    assertThat(rules(one(objects, ClusterRole.class, "lvs-operator"))).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
        Map.entry("lvsoperator.io/virtualservices",
            List.of("get", "list", "watch", "create", "patch", "update", "delete")),
        Map.entry("lvsoperator.io/virtualservices/status", List.of("get", "patch", "update")),
        Map.entry("lvsoperator.io/virtualservices/finalizers", List.of("update")),
        Map.entry("lvsoperator.io/vippools", List.of("get", "list", "watch")),
        Map.entry("lvsoperator.io/vippools/status", List.of("get", "patch", "update")),
        Map.entry("/namespaces", List.of("get", "list", "watch")),
        Map.entry("/services", List.of("get", "list", "watch")),
        Map.entry("/services/status", List.of("get", "patch", "update")),
        Map.entry("lvsoperator.io/directorconfigs,directorconfigparts",
            List.of("get", "list", "watch", "create", "update", "patch", "delete")),
        Map.entry("lvsoperator.io/directors", List.of("get", "list", "watch", "create", "update", "patch", "delete")),
        Map.entry("discovery.k8s.io/endpointslices", List.of("get", "list", "watch")),
        Map.entry("/pods", List.of("get", "list", "watch")),
        Map.entry("/nodes", List.of("get", "list", "watch")),
        Map.entry("/events", List.of("create", "patch"))));
    assertThat(one(objects, Role.class, "lvs-operator-leader").getRules()).singleElement().satisfies(r ->
        assertThat(r.getVerbs()).containsExactly("get", "list", "watch", "create", "update"));
    // without leader election it still watches the directors' Leases, and writes none
    assertThat(one(render(Map.of("operator.leaderElection", false)), Role.class, "lvs-operator-leader").getRules())
        .singleElement().satisfies(r -> assertThat(r.getVerbs()).containsExactly("get", "list", "watch"));
  }

  @Test
  void dataplaneRunsOnTheHostNetworkWithTwoCapabilitiesOnly() {
    DaemonSet ds = one(render(Map.of("dataplane.interface", "bond0", "dataplane.io", "afpacket", "dataplane.workers",
        4, "dataplane.busyPollMicros", 50)), DaemonSet.class, "lvs-dataplane");
    var pod = ds.getSpec().getTemplate().getSpec();
    assertThat(pod.getHostNetwork()).isTrue();
    Container c = pod.getContainers().get(0);
    assertThat(c.getSecurityContext().getPrivileged()).isFalse();
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getCapabilities().getAdd()).containsExactlyInAnyOrder("NET_RAW", "NET_ADMIN");
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(c.getArgs()).contains("run", "--kubernetes", "--interface=bond0", "--io=afpacket", "--workers=4",
        "--busy-poll=50", "--lease-seconds=30");
    assertThat(one(render(Map.of()), DaemonSet.class, "lvs-dataplane").getSpec().getTemplate().getSpec()
        .getContainers().get(0).getArgs()).as("the fastest packet I/O the node offers, workers from the node's CPUs, by default")
        .contains("--io=auto", "--workers=auto", "--busy-poll=0");
    assertThat(ds.getSpec().getTemplate().getMetadata().getLabels())
        .as("the operator writes no per-node configuration for this version")
        .containsEntry("lvsoperator.io/contract", "shared-config");
    assertThat(c.getEnv()).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo("POD_NAMESPACE");
      assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
    });
    assertThat(c.getEnv()).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo("NODE_NAME");
      assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("spec.nodeName");
    });
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    // liveness asks the engine, not the socket: a dead engine loop behind a listening port restarts
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/livez");
    assertThat(c.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("admin");
    assertThat(c.getPorts()).singleElement().satisfies(p -> assertThat(p.getContainerPort())
        .as("not node_exporter's 9100").isEqualTo(7479));
    assertThat(pod.getServiceAccountName()).isEqualTo("lvs-dataplane");
  }

  @Test
  void operatorFindsTheDataplanePodsByTheirLabelsAndHasProbes() {
    List<HasMetadata> objects = render(Map.of());
    Deployment d = one(objects, Deployment.class, "lvs-operator");
    Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    DaemonSet ds = one(objects, DaemonSet.class, "lvs-dataplane");
    String selector = c.getArgs().stream().filter(a -> a.startsWith("--dataplane-selector=")).findFirst().orElseThrow()
        .substring("--dataplane-selector=".length());
    Map<String, String> podLabels = ds.getSpec().getTemplate().getMetadata().getLabels();
    for (String term : selector.split(",")) {
      String[] kv = term.split("=");
      assertThat(podLabels).containsEntry(kv[0], kv[1]);
    }
    assertThat(c.getArgs()).contains("--leader-election=true", "--interface=eth0", "--dataplane-namespace=lvs-system");
    assertThat(c.getArgs()).noneMatch(a -> a.startsWith("--reserved-cidrs"));
    Container reserved = one(render(Map.of("operator.reservedCIDRs[0]", "10.96.0.0/12",
        "operator.reservedCIDRs[1]", "10.244.0.0/16")), Deployment.class, "lvs-operator")
        .getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(reserved.getArgs()).contains("--reserved-cidrs=10.96.0.0/12,10.244.0.0/16");
    assertThat(c.getArgs()).as("the directors' failover timing, at VRRP's defaults")
        .contains("--advertisement-interval-ms=100", "--hold-seconds=10");
    Container faster = one(render(Map.of("failover.advertisementIntervalMillis", 50, "failover.holdSeconds", 0)),
        Deployment.class, "lvs-operator").getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(faster.getArgs()).contains("--advertisement-interval-ms=50", "--hold-seconds=0");
    // Services of type LoadBalancer without a class: only when the release says it is the default
    assertThat(c.getArgs()).contains("--default-load-balancer=false");
    assertThat(one(render(Map.of("operator.defaultLoadBalancer", true)), Deployment.class, "lvs-operator")
        .getSpec().getTemplate().getSpec().getContainers().get(0).getArgs()).contains("--default-load-balancer=true");
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(d.getSpec().getReplicas()).isEqualTo(2);
  }

  @Test
  void monitoringObjectsComeWhenAskedFor() throws Exception {
    assertThat(render(Map.of())).noneMatch(o -> o instanceof GenericKubernetesResource);
    List<HasMetadata> objects = render(Map.of("metrics.serviceMonitor.enabled", true, "metrics.podMonitor.enabled", true,
        "metrics.prometheusRule.enabled", true, "metrics.dashboard.enabled", true, "operator.leaderElection", false));
    assertThat(objects).extracting(HasMetadata::getKind).contains("ServiceMonitor", "PodMonitor", "PrometheusRule");
    // no leader election: the operator's Role only reads the directors' Leases
    assertThat(one(objects, Role.class, "lvs-operator-leader").getRules()).allSatisfy(r ->
        assertThat(r.getVerbs()).doesNotContain("create", "update"));
    GenericKubernetesResource rule = (GenericKubernetesResource) objects.stream()
        .filter(o -> o.getKind().equals("PrometheusRule")).findFirst().orElseThrow();
    List<?> alerts = (List<?>) ((Map<?, ?>) ((List<?>) ((Map<?, ?>) rule.getAdditionalProperties().get("spec"))
        .get("groups")).get(0)).get("rules");
    assertThat(alerts.stream().map(a -> String.valueOf(((Map<?, ?>) a).get("alert"))).toList()).containsExactly(
        "LvsDirectorDown",
        "LvsVipWithoutReadyDirector", "LvsRealServerUnhealthy", "LvsConnectionTableNearFull", "LvsDropRateHigh",
        "LvsConnectionSyncOverBound", "LvsVipPoolExhausted", "LvsFullNatPortsExhausted");
    var dashboard = objects.stream().filter(o -> o.getKind().equals("ConfigMap")).findFirst().orElseThrow();
    assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    JsonNode json = new ObjectMapper().readTree(
        ((io.fabric8.kubernetes.api.model.ConfigMap) dashboard).getData().get("lvs-operator.json"));
    assertThat(json.path("panels")).hasSizeGreaterThanOrEqualTo(8);
    json.path("panels").forEach(p -> assertThat(p.path("targets").get(0).path("expr").asText()).isNotBlank());
  }

  @Test
  void theValuesSchemaRefusesBadValues() {
    assertThatThrownBy(() -> render(Map.of("dataplane.interface", "an-interface-name-too-long")))
        .hasMessageContaining("interface");
    assertThatThrownBy(() -> render(Map.of("operator.replicas", 0))).hasMessageContaining("replicas");
    assertThatThrownBy(() -> render(Map.of("image.dataplane.pullPolicy", "Sometimes"))).hasMessageContaining("pullPolicy");
    assertThatThrownBy(() -> render(Map.of("dataplane.io", "dpdk"))).hasMessageContaining("io");
    assertThatThrownBy(() -> render(Map.of("dataplane.workers", 0))).hasMessageContaining("workers");
    assertThatThrownBy(() -> render(Map.of("dataplane.workers", "many"))).hasMessageContaining("workers");
    assertThatThrownBy(() -> render(Map.of("dataplane.busyPollMicros", 20_000))).hasMessageContaining("busyPollMicros");
  }

  @Test
  void theChartShipsTheCrdsGeneratedFromTheJavaTypes() throws Exception {
    for (String file : List.of("virtualservices.lvsoperator.io-v1.yml", "directors.lvsoperator.io-v1.yml",
        "directorconfigs.lvsoperator.io-v1.yml", "directorconfigparts.lvsoperator.io-v1.yml",
        "vippools.lvsoperator.io-v1.yml")) {
      try (InputStream in = getClass().getResourceAsStream("/META-INF/fabric8/" + file)) {
        assertThat(in).as(file).isNotNull();
        assertThat(Files.readString(CHART.resolve("crds").resolve(file)))
            .as("helm/lvs-operator/crds/%s is copied by the crds build; run mvn install", file)
            .isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
  }
}
