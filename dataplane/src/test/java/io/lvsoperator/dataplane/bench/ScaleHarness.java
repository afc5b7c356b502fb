package io.lvsoperator.dataplane.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.IndexedCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.api.v1alpha1.Director;
import io.lvsoperator.api.v1alpha1.DirectorConfig;
import io.lvsoperator.api.v1alpha1.DirectorConfigPart;
import io.lvsoperator.api.v1alpha1.DirectorParts;
import io.lvsoperator.api.v1alpha1.DirectorSpec;
import io.lvsoperator.api.v1alpha1.ForwardingMode;
import io.lvsoperator.api.v1alpha1.PortSpec;
import io.lvsoperator.api.v1alpha1.Protocol;
import io.lvsoperator.api.v1alpha1.RealServerSpec;
import io.lvsoperator.api.v1alpha1.SchedulerName;
import io.lvsoperator.api.v1alpha1.SharedConfig;
import io.lvsoperator.api.v1alpha1.VipPool;
import io.lvsoperator.api.v1alpha1.VirtualService;
import io.lvsoperator.api.v1alpha1.VirtualServiceSpec;
import io.lvsoperator.dataplane.cluster.ClusterAgent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The control plane at scale (operator/bench/scale.sh): fabric8's mock API server in CRUD mode
 * (by default with an index and watch events serialized once, {@link IndexedCrudDispatcher}; the
 * mock as it comes with "plain"), N VirtualServices of R real servers, D simulated directors (the
 * real ClusterAgent: watch, assembly, Lease, status; no forwarding), the operator jar as its own
 * process, then a churn of
 * one changed VirtualService every 100 ms. One real dataplane compile of the full configuration
 * runs in a JVM of its own ({@link CompileRun}). Prints one JSON object as its last line.
 * Usage: ScaleHarness OPERATOR_JAR CLASSPATH WORKDIR N R D CHURN_SECONDS [indexed|plain] [shared|each]
 */
public final class ScaleHarness {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String NAMESPACE = "lvs-system";
  static final int CHANGES_PER_SECOND = 10;
  /** How long each of the churn's patches took the mock to answer: its load, seen from outside. */
  static final List<Double> patchMillis = java.util.Collections.synchronizedList(new ArrayList<>());

  private ScaleHarness() {}

  public static void main(String[] args) throws Exception {
    java.util.logging.LogManager.getLogManager().reset(); // the mock logs every request otherwise
    Path operatorJar = Path.of(args[0]);
    String classpath = args[1];
    Path work = Path.of(args[2]);
    int n = Integer.parseInt(args[3]);
    int reals = Integer.parseInt(args[4]);
    int directors = Integer.parseInt(args[5]);
    int churnSeconds = Integer.parseInt(args[6]);
    boolean plain = args.length > 7 && args[7].equals("plain");
    boolean decodeEach = args.length > 8 && args[8].equals("each");
    Files.createDirectories(work);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("virtualServices", n);
    out.put("realServersPerService", reals);
    out.put("directors", directors);

    List<CustomResourceDefinitionContext> crds = List.of(
        CustomResourceDefinitionContext.fromCustomResourceType(VirtualService.class),
        CustomResourceDefinitionContext.fromCustomResourceType(Director.class),
        CustomResourceDefinitionContext.fromCustomResourceType(DirectorConfig.class),
        CustomResourceDefinitionContext.fromCustomResourceType(DirectorConfigPart.class),
        CustomResourceDefinitionContext.fromCustomResourceType(VipPool.class));
    out.put("apiServer", plain ? "fabric8 mock" : "fabric8 mock, indexed");
    KubernetesCrudDispatcher dispatcher = plain ? new KubernetesCrudDispatcher(crds) : new IndexedCrudDispatcher(crds);
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        dispatcher, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    KubernetesClient client = server.createClient();
    // the simulated directors decode each event once between them (SharedEventSerialization),
    // unless asked to decode it each, as 100 machines would, on this one
    SharedEventSerialization sharedDecode = decodeEach ? null : new SharedEventSerialization();
    KubernetesClient agentsClient = decodeEach ? client : new KubernetesClientBuilder()
        .withConfig(client.getConfiguration()).withKubernetesSerialization(sharedDecode).build();
    out.put("directorsDecode", decodeEach ? "each" : "shared");
    List<ClusterAgent> agents = new ArrayList<>();
    List<SimulatedDirector> sims = new ArrayList<>();
    Process operator = null;
    try {
      log("posting %d VirtualServices of %d real servers", n, reals);
      long t = System.nanoTime();
      post(client, n, reals);
      log("posted in %.1f s", seconds(t));
      out.put("postSeconds", round(seconds(t), 1));

      for (int i = 0; i < directors; i++) {
        SimulatedDirector sim = new SimulatedDirector("node-" + i);
        ClusterAgent agent = new ClusterAgent(agentsClient, sim.node(), NAMESPACE, sim, Duration.ofSeconds(30),
            Clock.systemUTC());
        agent.start();
        sims.add(sim);
        agents.add(agent);
      }
      log("%d simulated directors started", directors);
      // settled: every director created its Director object (the API server is quiet again)
      waitFor(Duration.ofSeconds(300), Duration.ofSeconds(1),
          () -> client.resources(Director.class).list().getItems().size() == directors);
      // the mock's own cost, before the operator runs: the same kind of write, to the same watchers
      double partWriteMs = calibrate(client, reals);
      out.put("mockPartWriteMs", round(partWriteMs, 0));
      int httpPort = freePort();
      long started = System.nanoTime();
      operator = startOperator(operatorJar, server.getHostName(), server.getPort(), httpPort, work);
      int services = n;
      Process running = operator;
      if (!waitFor(Duration.ofSeconds(600), () -> alive(running, work) && sims.stream().allMatch(s -> s.services() == services))) {
        throw new IllegalStateException("not every director got every service within 600 s: "
            + sims.stream().mapToInt(SimulatedDirector::services).min().orElse(0) + " at least");
      }
      double initial = seconds(started);
      out.put("initialProgramSeconds", round(initial, 1));
      log("every director programmed %.1f s after the operator started", initial);
      // a list of every VirtualService is heavy for the mock: every 5 s
      waitFor(Duration.ofSeconds(900), Duration.ofSeconds(5), () -> alive(running, work) && programmed(client) == services);
      out.put("allProgrammedSeconds", round(seconds(started), 1));
      log("every VirtualService Programmed %.1f s after the operator started", seconds(started));

      Map<String, Double> before = operatorMetrics(httpPort);
      List<ChangeObserver.Change> changes = churn(client, n, reals, churnSeconds, sims);
      Map<String, Double> after = operatorMetrics(httpPort);
      List<Double> latencies = latencies(changes, sims);
      List<Double> patches = new ArrayList<>(patchMillis);
      Collections.sort(patches);
      out.put("mockPatchP50Ms", patches.isEmpty() ? null : round(percentile(patches, 50), 0));
      out.put("mockPatchP99Ms", patches.isEmpty() ? null : round(percentile(patches, 99), 0));
      Collections.sort(latencies);
      out.put("changes", latencies.size());
      out.put("changeP50Ms", latencies.isEmpty() ? null : round(percentile(latencies, 50), 0));
      out.put("changeP99Ms", latencies.isEmpty() ? null : round(percentile(latencies, 99), 0));
      List<Double> untilHeld = latencies(changes, sims, Span.UNTIL_HELD);
      List<Double> afterHeld = latencies(changes, sims, Span.AFTER_HELD);
      Collections.sort(untilHeld);
      Collections.sort(afterHeld);
      out.put("changeHeldP50Ms", untilHeld.isEmpty() ? null : round(percentile(untilHeld, 50), 0));
      out.put("changeHeldP99Ms", untilHeld.isEmpty() ? null : round(percentile(untilHeld, 99), 0));
      out.put("changeFanOutP50Ms", afterHeld.isEmpty() ? null : round(percentile(afterHeld, 50), 0));
      out.put("changeFanOutP99Ms", afterHeld.isEmpty() ? null : round(percentile(afterHeld, 99), 0));
      double bytes = after.getOrDefault("lvs_operator_config_written_bytes_total", 0.0)
          - before.getOrDefault("lvs_operator_config_written_bytes_total", 0.0);
      out.put("apiBytesPerChange", changes.isEmpty() ? null : Math.round(bytes / changes.size()));
      out.put("publicationsPerChange", changes.isEmpty() ? null : round((after.getOrDefault(
          "lvs_operator_config_publications_total", 0.0) - before.getOrDefault("lvs_operator_config_publications_total",
          0.0)) / changes.size(), 2));
      out.put("largestObjectBytes", largestObject(client));
      int parts = client.resources(DirectorConfigPart.class).list().getItems().size();
      out.put("parts", parts);
      out.put("mockFloorSeconds", round(parts * partWriteMs / 1000, 1));
      out.put("operatorHeapMiB", heapAfterGc(operator.pid()));

      DirectorSpec full = SharedConfig.assemble(
          client.resources(DirectorConfig.class).withName(SharedConfig.HEAD).get().getSpec(),
          client.resources(DirectorConfigPart.class).list().getItems().stream().map(DirectorConfigPart::getSpec).toList())
          .orElseThrow().forDirector("node-0");
      Path spec = work.resolve("full-configuration.json");
      JSON.writeValue(spec.toFile(), full);
      // a dataplane compiles on its own node: the operator and the simulated directors stop first
      stop(operator);
      operator = null;
      agents.forEach(ClusterAgent::close);
      agents.clear();
      // three cold JVMs, the median: one cold start alone is at the mercy of the JIT
      List<Map<?, ?>> runs = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        runs.add(compile(classpath, spec, work));
      }
      runs.sort(java.util.Comparator.comparingDouble(r -> ((Number) r.get("compileMs")).doubleValue()));
      Map<?, ?> compile = runs.get(1);
      out.put("dataplaneCompileMs", compile.get("compileMs"));
      out.put("dataplaneHeapMiB", compile.get("heapMiB"));
      out.put("dataplaneTablesFilledMs", compile.get("tablesFilledMs"));
      out.put("dataplaneRecompileMs", compile.get("recompileMs"));
      if (sharedDecode != null) {
        // large watch events the directors decoded, and those a director got already decoded
        out.put("eventsDecoded", sharedDecode.decoded.get());
        out.put("eventsShared", sharedDecode.shared.get());
      }
      if (dispatcher instanceof IndexedCrudDispatcher indexed) {
        out.put("mockScans", indexed.scannedLookups()); // requests the index could not answer
      }
      out.put("cpus", Runtime.getRuntime().availableProcessors());
    } finally {
      if (operator != null) {
        stop(operator);
      }
      agents.forEach(ClusterAgent::close);
      if (agentsClient != client) {
        agentsClient.close();
      }
      client.close();
      server.destroy();
    }
    System.out.println(JSON.writeValueAsString(out));
    System.exit(0);
  }

  static void stop(Process operator) throws InterruptedException {
    operator.destroy();
    if (!operator.waitFor(10, TimeUnit.SECONDS)) {
      operator.destroyForcibly();
    }
  }

  static void log(String format, Object... args) {
    System.err.printf("scale: " + format + "%n", args);
  }

  static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  static String key(int i) {
    return "tenant-" + (i % 50) + "/vs-" + i;
  }

  static VirtualService virtualService(int i, int reals, int firstWeight) {
    VirtualServiceSpec spec = new VirtualServiceSpec();
    spec.setVip("198.18." + (i / 250) + "." + (1 + i % 250));
    spec.setPorts(List.of(new PortSpec(80, Protocol.TCP, null)));
    spec.setMode(ForwardingMode.DR);
    spec.setScheduler(SchedulerName.MH);
    // each its own real servers, from a pool of 100,000 addresses past the VIPs: no table to share
    List<RealServerSpec> list = new ArrayList<>();
    int base = Ipv4.parse("198.18.64.0");
    for (int r = 0; r < reals; r++) {
      list.add(new RealServerSpec(Ipv4.format(base + (i * reals + r) % 100_000), null, r == 0 ? firstWeight : 1));
    }
    spec.setRealServers(list);
    VirtualService vs = new VirtualService();
    vs.setMetadata(new ObjectMetaBuilder().withNamespace("tenant-" + (i % 50)).withName("vs-" + i).build());
    vs.setSpec(spec);
    return vs;
  }

  static void post(KubernetesClient client, int n, int reals) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> done = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      VirtualService vs = virtualService(i, reals, 1);
      done.add(pool.submit(() -> client.resources(VirtualService.class).inNamespace(vs.getMetadata().getNamespace())
          .resource(vs).create()));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
  }

  /**
   * Median time the mock takes to store a part of the usual size (20 services) while every
   * simulated director watches the parts: what each of the operator's first writes costs here
   * before the operator adds anything. The parts are indexed past any layout, so directors
   * ignore them, and deleted again.
   */
  static double calibrate(KubernetesClient client, int reals) {
    List<Double> took = new ArrayList<>();
    for (int p = 0; p < 20; p++) {
      List<io.lvsoperator.api.v1alpha1.ServiceSpec> services = new ArrayList<>();
      for (int s = 0; s < 20; s++) {
        VirtualService vs = virtualService(100_000 + p * 20 + s, reals, 1);
        services.add(new io.lvsoperator.api.v1alpha1.ServiceSpec(key(100_000 + p * 20 + s), vs.getSpec().getVip(), 80,
            Protocol.TCP, ForwardingMode.DR, SchedulerName.MH, 0, null, vs.getSpec().getRealServers()));
      }
      DirectorConfigPart part = new DirectorConfigPart();
      part.setMetadata(new ObjectMetaBuilder().withName("calibration-" + p)
          .addToLabels(SharedConfig.PART_LABEL, SharedConfig.HEAD).build());
      part.setSpec(new io.lvsoperator.api.v1alpha1.ConfigPartSpec(1_000_000 + p, 0L, services, List.of()));
      long t = System.nanoTime();
      // the client retries a POST the mock was slow to answer: the retry finds the part there
      client.resources(DirectorConfigPart.class).resource(part).createOr(NonDeletingOperation::update);
      took.add((System.nanoTime() - t) / 1e6);
    }
    for (int p = 0; p < 20; p++) {
      client.resources(DirectorConfigPart.class).withName("calibration-" + p).delete();
    }
    Collections.sort(took);
    log("the mock stores a part of 20 services in %.0f ms (median of 20)", percentile(took, 50));
    return percentile(took, 50);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static Process startOperator(Path jar, String host, int port, int httpPort, Path work) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-XX:+UseSerialGC"));
    // e.g. a JFR recording of the operator (docs/scale.md, "Profiling a run")
    String extra = System.getenv("SCALE_OPERATOR_JAVA_OPTIONS");
    if (extra != null && !extra.isBlank()) {
      command.addAll(List.of(extra.trim().split("\\s+")));
    }
    command.addAll(List.of("-jar", jar.toString(), "--leader-election=false", "--server-side-apply=false",
        "--http", "127.0.0.1:" + httpPort, "--interface", "eth0", "--dataplane-namespace", NAMESPACE));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("KUBERNETES_MASTER", "http://" + host + ":" + port);
    // HTTP/1.1, as the mock's own clients speak it: the JDK client's h2c upgrade on a plain-text
    // connection can leave a large list unreadable ("Frame ... exceeds MAX_FRAME_SIZE")
    pb.environment().put("KUBERNETES_HTTP2_DISABLE", "true");
    pb.environment().put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
    pb.environment().put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
    pb.environment().put("KUBERNETES_NAMESPACE", NAMESPACE);
    pb.redirectErrorStream(true).redirectOutput(work.resolve("operator.log").toFile());
    return pb.start();
  }

  /** True while the operator runs; once it exited, a failure with its log's end instead of a wait to the limit. */
  static boolean alive(Process operator, Path work) {
    if (!operator.isAlive()) {
      String tail;
      try {
        List<String> lines = Files.readAllLines(work.resolve("operator.log"));
        tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
      } catch (IOException e) {
        tail = "(no log: " + e.getMessage() + ")";
      }
      throw new IllegalStateException("the operator exited with " + operator.exitValue() + "; its log ends:\n" + tail);
    }
    return true;
  }

  static boolean waitFor(Duration limit, BooleanSupplier condition) throws InterruptedException {
    return waitFor(limit, Duration.ofMillis(100), condition);
  }

  static boolean waitFor(Duration limit, Duration every, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(every.toMillis());
    }
    return condition.getAsBoolean();
  }

  static int programmed(KubernetesClient client) {
    return (int) client.resources(VirtualService.class).inAnyNamespace().list().getItems().stream()
        .filter(v -> v.getStatus() != null && v.getStatus().getConditions() != null
            && v.getStatus().getConditions().stream().anyMatch(c -> "Programmed".equals(c.getType())
                && "True".equals(c.getStatus())))
        .count();
  }

  /** One change every 100 ms for {@code seconds}: a VirtualService's first real server gets a new weight. */
  static List<ChangeObserver.Change> churn(KubernetesClient client, int n, int reals, int seconds,
      List<SimulatedDirector> sims) throws Exception {
    List<ChangeObserver.Change> changes = new ArrayList<>();
    Random random = new Random(42);
    try (ChangeObserver observer = new ChangeObserver(client)) {
      log("churn: %d changes/s for %d s", CHANGES_PER_SECOND, seconds);
      long start = System.nanoTime();
      int total = seconds * CHANGES_PER_SECOND;
      for (int c = 0; c < total; c++) {
        long due = start + c * 1_000_000_000L / CHANGES_PER_SECOND;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        int i = random.nextInt(n);
        int weight = 2 + c % 100;
        ChangeObserver.Change change = new ChangeObserver.Change(key(i), weight, System.nanoTime());
        observer.expect(change);
        // a JSON patch of the one field: the mock's merge patch appends to lists
        long sent = System.nanoTime();
        client.resources(VirtualService.class).inNamespace("tenant-" + (i % 50)).withName("vs-" + i)
            .patch(PatchContext.of(PatchType.JSON), "[{\"op\": \"replace\", \"path\": \"/spec/realServers/0/weight\","
                + " \"value\": " + weight + "}]");
        patchMillis.add((System.nanoTime() - sent) / 1e6);
        changes.add(change);
      }
      waitFor(Duration.ofSeconds(60), () -> observer.pending() == 0 && changes.stream().allMatch(
          ch -> sims.stream().allMatch(s -> s.appliedAtOrAfter(ch.generation) != null)));
    }
    return changes;
  }

  /** Per change: until the last director applied a generation carrying it, in ms. */
  /** Which part of a change's latency: all of it, or one side of the moment a watcher held it. */
  enum Span {
    /** From the patch until the last director applied it. */
    WHOLE,
    /** Until a watcher held a generation carrying it: the operator's reconcile, window and writes. */
    UNTIL_HELD,
    /** From then on: the API server's fan-out and the directors' assembly. */
    AFTER_HELD
  }

  static List<Double> latencies(List<ChangeObserver.Change> changes, List<SimulatedDirector> sims) {
    return latencies(changes, sims, Span.WHOLE);
  }

  static List<Double> latencies(List<ChangeObserver.Change> changes, List<SimulatedDirector> sims, Span span) {
    List<Double> out = new ArrayList<>();
    for (ChangeObserver.Change c : changes) {
      if (c.generation < 0) {
        continue; // overtaken by a later change of the same VirtualService
      }
      long last = 0;
      boolean all = true;
      for (SimulatedDirector s : sims) {
        Long at = s.appliedAtOrAfter(c.generation);
        if (at == null) {
          all = false;
          break;
        }
        last = Math.max(last, at);
      }
      if (all) {
        long from = span == Span.AFTER_HELD ? c.foundNanos : c.startedNanos;
        long to = span == Span.UNTIL_HELD ? c.foundNanos : last;
        out.add((to - from) / 1e6);
      }
    }
    return out;
  }

  static double percentile(List<Double> sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  static Map<String, Double> operatorMetrics(int port) throws Exception {
    String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    Map<String, Double> out = new HashMap<>();
    for (String line : body.split("\n")) {
      if (line.startsWith("lvs_operator_config_")) {
        String[] f = line.split(" ");
        out.put(f[0], Double.parseDouble(f[f.length - 1]));
      }
    }
    return out;
  }

  static long largestObject(KubernetesClient client) {
    long largest = DirectorParts.encodedSize(client.resources(DirectorConfig.class).withName(SharedConfig.HEAD).get());
    for (DirectorConfigPart p : client.resources(DirectorConfigPart.class).list().getItems()) {
      largest = Math.max(largest, DirectorParts.encodedSize(p));
    }
    return largest;
  }

  /** Heap in use after a full collection, from the JDK's own tools. */
  static long heapAfterGc(long pid) throws Exception {
    run("jcmd", String.valueOf(pid), "GC.run");
    String stat = run("jstat", "-gc", String.valueOf(pid));
    String[] lines = stat.trim().split("\n");
    String[] names = lines[0].trim().split("\\s+");
    String[] values = lines[1].trim().split("\\s+");
    double kib = 0;
    for (int i = 0; i < names.length; i++) {
      if (List.of("S0U", "S1U", "EU", "OU").contains(names[i])) {
        kib += Double.parseDouble(values[i]);
      }
    }
    return Math.round(kib / 1024);
  }

  static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
    }
    return output;
  }

  static Map<?, ?> compile(String classpath, Path spec, Path work) throws Exception {
    // the JVM as the dataplane's image runs it (dataplane/Dockerfile) in the chart's 1 GiB pod
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:MaxRAM=1g", "-XX:+UseG1GC", "-XX:InitialRAMPercentage=60", "-XX:MaxRAMPercentage=60",
        "-XX:+AlwaysPreTouch", "-cp", classpath, CompileRun.class.getName(), spec.toString());
    pb.redirectError(work.resolve("compile.log").toFile());
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes()).trim();
    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("CompileRun failed: " + output);
    }
    Matcher m = Pattern.compile("\\{.*\\}").matcher(output);
    String json = null;
    while (m.find()) {
      json = m.group();
    }
    return JSON.readValue(json, Map.class);
  }
}
