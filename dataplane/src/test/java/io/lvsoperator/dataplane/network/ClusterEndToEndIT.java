package io.lvsoperator.dataplane.network;

import static io.lvsoperator.dataplane.testsupport.DirectorLab.API;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole product on real networking: a Kubernetes API (fabric8's mock server) and the
 * operator on an "api" host of the segment, the dataplane in cluster mode on a node-like director,
 * real servers with real TCP servers, a client behind a router. A VirtualService applied to the
 * API becomes traffic through the VIP; a real server that stops shows as Unhealthy and gets no
 * traffic until it returns; deleting the VirtualService stops forwarding. Needs root and the
 * operator jar (`mvn verify` builds it first); skipped otherwise.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class ClusterEndToEndIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path LAB_SCRIPTS = Path.of("lab").toAbsolutePath();
  private static final Path OPERATOR_JAR = Path.of("../operator/target/lvs-operator.jar").toAbsolutePath();
  private static final String API_URL = "http://" + API + ":6443";

  private DirectorLab lab;
  private Netns ns;
  private final List<LabProcess> perTest = new ArrayList<>();
  private final LabProcess[] servers = new LabProcess[2];

  @BeforeAll
  void start() throws Exception {
    Assumptions.assumeTrue(Netns.available(), "needs root and iproute2 (network namespaces)");
    Assumptions.assumeTrue(Files.exists(OPERATOR_JAR), "needs " + OPERATOR_JAR + " (run mvn verify)");
    lab = new DirectorLab(true);
    ns = lab.ns();
    lab.directorInterface(true);
    LabProcess api = ns.spawn("api", "api-server", java("io.lvsoperator.dataplane.testsupport.MockApiServerMain", API,
        "6443"));
    await().atMost(Duration.ofSeconds(30)).until(() -> api.output().contains("listening"));
    List<String> operator = new ArrayList<>(kubeEnv());
    operator.addAll(List.of(javaBin(), "-Xmx256m", "-jar", OPERATOR_JAR.toString(), "--leader-election=false",
        "--server-side-apply=false", "--http", "127.0.0.1:8080", "--interface", "eth0"));
    LabProcess op = ns.spawn("api", "operator", operator.toArray(String[]::new));
    await().atMost(Duration.ofSeconds(60)).until(() -> op.output().contains("operator started"));
    // the dataplane pod as the chart makes it (the dataplane's own Lease makes node-a a director)
    post("/api/v1/namespaces/lvs-system/pods", """
        {"apiVersion": "v1", "kind": "Pod",
         "metadata": {"name": "dataplane-node-a", "namespace": "lvs-system",
                      "labels": {"app.kubernetes.io/name": "lvs-dataplane", "lvsoperator.io/contract": "shared-config"}},
         "spec": {"nodeName": "node-a", "containers": [{"name": "dataplane", "image": "lvs-dataplane"}]},
         "status": {"conditions": [{"type": "Ready", "status": "True"}]}}""");
    List<String> dataplane = new ArrayList<>(kubeEnv());
    dataplane.addAll(DirectorLab.dataplane("run", "--kubernetes", "--node", "node-a", "--interface", "eth0",
        "--state-dir", ns.workDir().resolve("state").toString(), "--lease-seconds", "3",
        "--admin", DIP + ":7479"));
    LabProcess director = ns.spawn("dir", "dataplane", dataplane.toArray(String[]::new));
    await().atMost(Duration.ofSeconds(30)).until(() -> director.output().contains("watching the shared configuration"));
    for (int i = 0; i < 2; i++) {
      servers[i] = startServer(DirectorLab.REAL_SERVERS.get(i));
    }
  }

  private LabProcess startServer(String rs) {
    LabProcess server = ns.spawn(rs, rs + "-server", "python3", LAB_SCRIPTS.resolve("server.py").toString(),
        "--name", rs, "--tcp-port", "80");
    await().atMost(Duration.ofSeconds(10)).until(() -> server.output().contains("ready"));
    return server;
  }

  @AfterAll
  void stop() {
    if (lab != null) {
      lab.close();
    }
  }

  @AfterEach
  void stopPerTest() {
    for (int i = perTest.size() - 1; i >= 0; i--) {
      perTest.get(i).stop();
    }
    perTest.clear();
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static List<String> kubeEnv() {
    return List.of("env", "KUBERNETES_MASTER=" + API_URL, "KUBERNETES_AUTH_TRYKUBECONFIG=false",
        "KUBERNETES_AUTH_TRYSERVICEACCOUNT=false", "KUBERNETES_NAMESPACE=default");
  }

  private static String[] java(String main, String... args) {
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        main));
    cmd.addAll(List.of(args));
    return cmd.toArray(String[]::new);
  }

  private String post(String path, String body) throws Exception {
    Path f = Files.createTempFile(ns.workDir(), "body", ".json");
    Files.writeString(f, body);
    return ns.exec("api", "curl", "-sf", "-X", "POST", "-H", "Content-Type: application/json", "--data-binary",
        "@" + f, API_URL + path);
  }

  private JsonNode get(String path) throws Exception {
    String out = ns.execQuiet("api", "curl", "-s", API_URL + path);
    return JSON.readTree(out.isBlank() ? "{}" : out);
  }

  private JsonNode spread(int count) throws Exception {
    String out = ns.exec("cli", "python3", LAB_SCRIPTS.resolve("client.py").toString(), "spread", "--host", VIP,
        "--port", "80", "--count", String.valueOf(count), "--timeout", "1", "--deadline", "20");
    return JSON.readTree(out.trim());
  }

  private static String condition(JsonNode vs, String type) {
    for (JsonNode c : vs.path("status").path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c.path("status").asText();
      }
    }
    return "";
  }

  @Test
  void aVirtualServiceFromAServiceUsesItsEndpointSlices() throws Exception {
    lab.realServerGateway(DIP);
    post("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices", """
        {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
         "metadata": {"name": "backend-1", "namespace": "default", "labels": {"kubernetes.io/service-name": "backend"}},
         "addressType": "IPv4", "ports": [{"name": "http", "port": 80, "protocol": "TCP"}],
         "endpoints": [{"addresses": ["198.18.0.11"], "conditions": {"ready": true}},
                       {"addresses": ["198.18.0.12"], "conditions": {"ready": true}}]}""");
    post("/apis/lvsoperator.io/v1alpha1/namespaces/default/virtualservices", """
        {"apiVersion": "lvsoperator.io/v1alpha1", "kind": "VirtualService",
         "metadata": {"name": "from-service", "namespace": "default"},
         "spec": {"vip": "%s", "ports": [{"port": 8080, "protocol": "TCP"}], "mode": "NAT", "scheduler": "rr",
                  "service": {"name": "backend", "port": "http"}}}""".formatted(VIP));
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      String out = ns.exec("cli", "python3", LAB_SCRIPTS.resolve("client.py").toString(), "spread", "--host", VIP,
          "--port", "8080", "--count", "10", "--timeout", "1", "--deadline", "20");
      JsonNode spread = JSON.readTree(out.trim());
      assertThat(spread.path("rs1").asInt()).as("%s", spread).isEqualTo(5);
      assertThat(spread.path("rs2").asInt()).as("%s", spread).isEqualTo(5);
    });
    JsonNode vs = get("/apis/lvsoperator.io/v1alpha1/namespaces/default/virtualservices/from-service");
    assertThat(vs.path("status").path("ready").asText()).isEqualTo("2/2");
    ns.exec("api", "curl", "-sf", "-X", "DELETE",
        API_URL + "/apis/lvsoperator.io/v1alpha1/namespaces/default/virtualservices/from-service");
  }

  /**
   * Issue 14: a Service of type LoadBalancer, in full-NAT (its default), to "pods" whose default
   * route is the router, not the director (as pods answer through their CNI): the Service gets
   * the pool's address as its ingress, the traffic spreads over its endpoints, and the pods see
   * the director's address as their client.
   */
  @Test
  void aServiceOfTypeLoadBalancerReachesPodsThatDoNotRouteThroughTheDirector() throws Exception {
    lab.realServerGateway(GATEWAY);
    post("/apis/lvsoperator.io/v1alpha1/vippools", """
        {"apiVersion": "lvsoperator.io/v1alpha1", "kind": "VipPool", "metadata": {"name": "public"},
         "spec": {"addresses": ["%s"]}}""".formatted(VIP));
    try {
      post("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices", """
          {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
           "metadata": {"name": "web-1", "namespace": "default", "labels": {"kubernetes.io/service-name": "web"}},
           "addressType": "IPv4", "ports": [{"name": "http", "port": 80, "protocol": "TCP"}],
           "endpoints": [{"addresses": ["198.18.0.11"], "conditions": {"ready": true}},
                         {"addresses": ["198.18.0.12"], "conditions": {"ready": true}}]}""");
      post("/api/v1/namespaces/default/services", """
          {"apiVersion": "v1", "kind": "Service",
           "metadata": {"name": "web", "namespace": "default", "annotations": {"lvsoperator.io/scheduler": "rr"}},
           "spec": {"type": "LoadBalancer", "loadBalancerClass": "lvsoperator.io/lvs",
                    "ports": [{"name": "http", "port": 9092, "protocol": "TCP", "targetPort": "http"}]}}""");
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
        JsonNode ingress = get("/api/v1/namespaces/default/services/web").path("status").path("loadBalancer")
            .path("ingress").path(0);
        assertThat(ingress.path("ip").asText()).isEqualTo(VIP);
        assertThat(ingress.path("ipMode").asText()).isEqualTo("VIP");
      });
      int before0 = accepted(servers[0]);
      int before1 = accepted(servers[1]);
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
        JsonNode spread = JSON.readTree(ns.exec("cli", "python3", LAB_SCRIPTS.resolve("client.py").toString(),
            "spread", "--host", VIP, "--port", "9092", "--count", "10", "--timeout", "1", "--deadline", "20").trim());
        assertThat(spread.path("errors").asInt(-1)).as("%s", spread).isZero();
        assertThat(spread.path("rs1").asInt()).as("%s", spread).isEqualTo(5);
        assertThat(spread.path("rs2").asInt()).as("%s", spread).isEqualTo(5);
      });
      // full-NAT from the VIP (the default): the pods' client is the VIP, which they answer on
      // their own link
      for (LabProcess server : servers) {
        assertThat(server.output().lines().filter(l -> l.startsWith("tcp-accept ")).skip(
            server == servers[0] ? before0 : before1)).isNotEmpty()
            .allMatch(l -> l.startsWith("tcp-accept " + VIP + ":"));
      }
      JsonNode made = get("/apis/lvsoperator.io/v1alpha1/namespaces/default/virtualservices/web-lb");
      assertThat(made.path("spec").path("mode").asText()).isEqualTo("FULLNAT");
      assertThat(made.path("status").path("pool").asText()).isEqualTo("public");
      // the Service goes: so do its VirtualService and the address
      ns.exec("api", "curl", "-sf", "-X", "DELETE", API_URL + "/api/v1/namespaces/default/services/web");
      await().atMost(Duration.ofSeconds(30)).until(() -> ns.execQuiet("api", "curl", "-s", "-o", "/dev/null", "-w",
          "%{http_code}", API_URL + "/apis/lvsoperator.io/v1alpha1/namespaces/default/virtualservices/web-lb")
          .equals("404"));
    } finally {
      ns.exec("api", "curl", "-s", "-X", "DELETE", API_URL + "/api/v1/namespaces/default/services/web");
      ns.exec("api", "curl", "-s", "-X", "DELETE",
          API_URL + "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/web-1");
      ns.exec("api", "curl", "-sf", "-X", "DELETE", API_URL + "/apis/lvsoperator.io/v1alpha1/vippools/public");
    }
  }

  private static int accepted(LabProcess server) {
    return (int) server.output().lines().filter(l -> l.startsWith("tcp-accept ")).count();
  }

  /**
   * The chart's dashboard and alert expressions against a real Prometheus scraping the operator
   * and the dataplane: every expression parses, and what it measures has series.
   */
  @Test
  void dashboardAndAlertExpressionsReturnSeriesFromLiveMetrics() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/prometheus")), "needs Debian's prometheus package");
    Path chart = Path.of("../helm/lvs-operator").toAbsolutePath();
    Path rules = ns.workDir().resolve("alerts.yaml");
    Files.writeString(rules, Files.readString(chart.resolve("rules/alerts.yaml"))
        .replace("{{ \"{{\" }}", "{{").replace("{{ \"}}\" }}", "}}")
        .replace("{{ .Values.metrics.prometheusRule.dropRateThreshold }}", "100"));
    assertThat(ns.exec("api", "promtool", "check", "rules", rules.toString())).contains("SUCCESS");
    Path config = ns.workDir().resolve("prometheus.yml");
    Files.writeString(config, """
        global: {scrape_interval: 1s, evaluation_interval: 1s}
        rule_files: [%s]
        scrape_configs:
          - job_name: lvs-operator
            static_configs: [{targets: ['127.0.0.1:8080']}]
          - job_name: lvs-dataplane
            static_configs: [{targets: ['%s:7479']}]
        """.formatted(rules, DIP));
    LabProcess prometheus = ns.spawn("api", "prometheus", "prometheus", "--config.file=" + config,
        "--storage.tsdb.path=" + ns.workDir().resolve("tsdb"), "--web.listen-address=127.0.0.1:9090");
    perTest.add(prometheus);
    await().atMost(Duration.ofSeconds(30)).until(() -> ns.execQuiet("api", "curl", "-s",
        "http://127.0.0.1:9090/-/ready").contains("Ready"));

    // something to measure: a NAT service with a health check, and traffic through it, its VIP
    // from an address pool (which then allows no VIP outside it: deleted at the end)
    lab.realServerGateway(DIP);
    post("/apis/lvsoperator.io/v1alpha1/vippools", """
        {"apiVersion": "lvsoperator.io/v1alpha1", "kind": "VipPool", "metadata": {"name": "watched"},
         "spec": {"addresses": ["%s"]}}""".formatted(VIP));
    try {
      measureEveryExpression(chart, rules);
    } finally {
      ns.exec("api", "curl", "-sf", "-X", "DELETE", API_URL + "/apis/lvsoperator.io/v1alpha1/vippools/watched");
    }
  }

  private void measureEveryExpression(Path chart, Path rules) throws Exception {
    post("/apis/lvsoperator.io/v1alpha1/namespaces/default/virtualservices", """
        {"apiVersion": "lvsoperator.io/v1alpha1", "kind": "VirtualService",
         "metadata": {"name": "watched", "namespace": "default"},
         "spec": {"vip": "%s", "ports": [{"port": 9091, "protocol": "TCP", "targetPort": 80}], "mode": "NAT",
                  "healthCheck": {"type": "tcp", "intervalSeconds": 1, "timeoutSeconds": 1, "rise": 1, "fall": 1},
                  "realServers": [{"address": "198.18.0.11"}, {"address": "198.18.0.12"}]}}""".formatted(VIP));
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> JSON.readTree(
        ns.exec("cli", "python3", LAB_SCRIPTS.resolve("client.py").toString(), "spread", "--host", VIP, "--port", "9091",
            "--count", "5", "--timeout", "1", "--deadline", "10").trim()).path("errors").asInt(0) == 0);

    List<String> expressions = new ArrayList<>();
    JsonNode dashboard = JSON.readTree(Files.readString(chart.resolve("dashboards/lvs-operator.json")));
    dashboard.path("panels").forEach(p -> p.path("targets").forEach(t ->
        expressions.add(t.path("expr").asText().replace("$director", ".*"))));
    for (String line : Files.readAllLines(rules)) {
      if (line.trim().startsWith("expr:")) {
        expressions.add(line.trim().substring("expr:".length()).trim());
      }
    }
    assertThat(expressions).hasSizeGreaterThanOrEqualTo(15);
    for (String expr : expressions) {
      // the expression parses as written; what it compares has data (alerts are quiet when all is well)
      assertThat(query(expr).path("status").asText()).as("%s", expr).isEqualTo("success");
      String measured = expr.split("\\s(==|!=|>=|<=|>|<)\\s")[0];
      await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
          assertThat(query(measured).path("data").path("result")).as("series of %s", measured).isNotEmpty());
    }
    ns.exec("api", "curl", "-sf", "-X", "DELETE",
        API_URL + "/apis/lvsoperator.io/v1alpha1/namespaces/default/virtualservices/watched");
  }

  private JsonNode query(String expr) throws Exception {
    return JSON.readTree(ns.execQuiet("api", "curl", "-s", "-G", "http://127.0.0.1:9090/api/v1/query",
        "--data-urlencode", "query=" + expr));
  }

  @ParameterizedTest
  @EnumSource(ForwardingMode.class)
  void aVirtualServiceBecomesTrafficHealthFollowsAndDeletionStopsIt(ForwardingMode mode) throws Exception {
    lab.realServerGateway(mode == ForwardingMode.NAT ? DIP : GATEWAY);
    if (!mode.translates()) {
      for (String rs : DirectorLab.REAL_SERVERS) {
        LabProcess helper = ns.spawn(rs, rs + "-realserver", DirectorLab.dataplane("realserver", "--interface", "eth0",
            "--mode", mode.name().toLowerCase(), "--vip", VIP).toArray(String[]::new));
        perTest.add(helper);
        await().atMost(Duration.ofSeconds(20)).until(() -> helper.output().contains("real server ready"));
      }
    }
    String name = "web-" + mode.name().toLowerCase();
    long applied = System.nanoTime();
    post("/apis/lvsoperator.io/v1alpha1/namespaces/default/virtualservices", """
        {"apiVersion": "lvsoperator.io/v1alpha1", "kind": "VirtualService",
         "metadata": {"name": "%s", "namespace": "default"},
         "spec": {"vip": "%s", "ports": [{"port": 80, "protocol": "TCP"}], "mode": "%s", "scheduler": "rr",
                  "healthCheck": {"type": "tcp", "intervalSeconds": 1, "timeoutSeconds": 1, "rise": 1, "fall": 1},
                  "realServers": [{"address": "198.18.0.11"}, {"address": "198.18.0.12"}]}}"""
        .formatted(name, VIP, mode));
    String vsPath = "/apis/lvsoperator.io/v1alpha1/namespaces/default/virtualservices/" + name;

    try {
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> spread(1).path("errors").asInt(0) == 0);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("no traffic through " + VIP + "; director state: "
          + ns.execQuiet("dir", "curl", "-s", "http://127.0.0.1:7479/v1/state") + "\nnft: "
          + ns.execQuiet("dir", "nft", "list", "ruleset") + "\nrs1 routes: " + ns.execQuiet("rs1", "ip", "route"), e);
    }
    long millis = (System.nanoTime() - applied) / 1_000_000;
    System.out.printf("%s: kubectl-apply-to-traffic %d ms%n", mode, millis);

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      JsonNode vs = get(vsPath);
      assertThat(condition(vs, "Accepted")).as("%s", vs.path("status")).isEqualTo("True");
      assertThat(condition(vs, "Programmed")).as("%s", vs.path("status")).isEqualTo("True");
      assertThat(condition(vs, "Ready")).as("%s", vs.path("status")).isEqualTo("True");
      assertThat(vs.path("status").path("director").asText()).isEqualTo("node-a");
      assertThat(vs.path("status").path("ready").asText()).isEqualTo("2/2");
      JsonNode director = get("/apis/lvsoperator.io/v1alpha1/directors/node-a");
      JsonNode head = get("/apis/lvsoperator.io/v1alpha1/directorconfigs/lvs");
      assertThat(director.path("status").path("appliedGeneration").asLong())
          .isEqualTo(head.path("spec").path("generation").asLong());
    });
    JsonNode both = spread(10);
    assertThat(both.path("rs1").asInt()).as("%s", both).isEqualTo(5);
    assertThat(both.path("rs2").asInt()).as("%s", both).isEqualTo(5);

    // rs2's server stops: its health check fails, status says so, traffic goes to rs1 only
    servers[1].stop();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(get(vsPath).path("status").path("ready").asText()).isEqualTo("1/2"));
    JsonNode one = spread(6);
    assertThat(one.path("rs1").asInt()).as("%s", one).isEqualTo(6);
    servers[1] = startServer("rs2");
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(get(vsPath).path("status").path("ready").asText()).isEqualTo("2/2"));
    await().atMost(Duration.ofSeconds(10)).until(() -> spread(4).path("rs2").asInt() > 0);

    // deleted: the director stops forwarding and announcing the VIP
    ns.exec("api", "curl", "-sf", "-X", "DELETE", API_URL + vsPath);
    await().atMost(Duration.ofSeconds(20)).until(() -> spread(1).path("errors").asInt(0) == 1);
    ns.execQuiet("rtr", "ip", "neigh", "flush", "dev", "s0");
    ns.execQuiet("rtr", "ping", "-c", "1", "-W", "1", VIP);
    assertThat(ns.exec("rtr", "ip", "neigh", "show", VIP)).doesNotContain("lladdr");
  }
}
