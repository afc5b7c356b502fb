package io.lvsoperator.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.lvsoperator.api.v1alpha1.DirectorConfigSpec;
import io.lvsoperator.api.v1alpha1.SharedConfig;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.lvsoperator.api.net.Ipv4Prefix;
import io.lvsoperator.operator.loadbalancer.LoadBalancerReconciler;
import io.lvsoperator.operator.loadbalancer.LoadBalancers;
import io.lvsoperator.operator.reconciler.VipPoolReconciler;
import io.lvsoperator.operator.reconciler.VirtualServiceReconciler;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `java -jar lvs-operator.jar`: runs against the current kubeconfig or the in-cluster config. */
@Command(name = "lvs-operator", mixinStandardHelpOptions = true, version = "lvs-operator 0.1.0",
    description = "Reconciles VirtualServices into per-director configuration (Director objects).")
public final class OperatorMain implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(OperatorMain.class);

  @Option(names = "--interface", defaultValue = "${env:LVS_INTERFACE:-eth0}",
      description = "Dataplane interface written into the shared configuration (default: ${DEFAULT-VALUE}).")
  String interfaceName;

  @Option(names = "--dataplane-selector", defaultValue = "${env:LVS_DATAPLANE_SELECTOR:-"
      + OperatorOptions.DEFAULT_DATAPLANE_SELECTOR + "}",
      description = "Label selector of dataplane pods (default: ${DEFAULT-VALUE}).")
  String dataplaneSelector;

  @Option(names = "--leader-election", arity = "1", paramLabel = "true|false",
      defaultValue = "${env:LVS_LEADER_ELECTION:-true}",
      description = "Elect a leader through the Lease " + OperatorOptions.LEASE_NAME + " (default: ${DEFAULT-VALUE}).")
  boolean leaderElection;

  @Option(names = "--lease-namespace", defaultValue = "${env:POD_NAMESPACE:-default}",
      description = "Namespace of the leader Lease (default: ${DEFAULT-VALUE}).")
  String leaseNamespace;

  @Option(names = "--server-side-apply", arity = "1", paramLabel = "true|false",
      defaultValue = "${env:LVS_SERVER_SIDE_APPLY:-true}",
      description = "Patch status with server-side apply; turn off for API servers without it (default: ${DEFAULT-VALUE}).")
  boolean serverSideApply;

  @Option(names = "--services-per-director-object",
      defaultValue = "${env:LVS_SERVICES_PER_DIRECTOR_OBJECT:-" + OperatorOptions.DEFAULT_SERVICES_PER_DIRECTOR_OBJECT + "}",
      description = "For dataplanes of the previous version: split a node's configuration over several Director"
          + " objects past this many services (default: ${DEFAULT-VALUE}).")
  int servicesPerDirectorObject;

  @Option(names = "--max-part-bytes", defaultValue = "${env:LVS_MAX_PART_BYTES:-" + SharedConfig.DEFAULT_MAX_PART_BYTES
      + "}", description = "Byte budget of one DirectorConfigPart (default: ${DEFAULT-VALUE}).")
  int maxPartBytes;

  @Option(names = "--standbys", defaultValue = "${env:LVS_STANDBYS:-" + OperatorOptions.DEFAULT_STANDBYS + "}",
      description = "Directors that follow the owner in each VIP's order (default: ${DEFAULT-VALUE}).")
  int standbys;

  @Option(names = "--publish-window-ms", defaultValue = "${env:LVS_PUBLISH_WINDOW_MS:-"
      + OperatorOptions.DEFAULT_PUBLISH_WINDOW_MILLIS + "}",
      description = "Changes this close together are written as one generation (default: ${DEFAULT-VALUE}).")
  int publishWindowMillis;

  @Option(names = "--advertisement-interval-ms", defaultValue = "${env:LVS_ADVERTISEMENT_INTERVAL_MS:-"
      + DirectorConfigSpec.DEFAULT_ADVERTISEMENT_INTERVAL_MILLIS + "}",
      description = "How often directors advertise to each other; silent for three intervals, a director's VIPs move"
          + " (10-40950, default: ${DEFAULT-VALUE}).")
  int advertisementIntervalMillis;

  @Option(names = "--hold-seconds", defaultValue = "${env:LVS_HOLD_SECONDS:-" + DirectorConfigSpec.DEFAULT_HOLD_SECONDS
      + "}", description = "How long a director that came back waits before it takes its VIPs back"
          + " (keepalived's preempt_delay; 0-3600, default: ${DEFAULT-VALUE}).")
  int holdSeconds;

  @Option(names = "--dataplane-namespace", defaultValue = "${env:POD_NAMESPACE:-"
      + OperatorOptions.DEFAULT_DATAPLANE_NAMESPACE + "}",
      description = "Only dataplane pods of this namespace make their nodes directors (default: ${DEFAULT-VALUE}).")
  String dataplaneNamespace;

  @Option(names = "--reserved-cidrs", split = ",", paramLabel = "CIDR[,CIDR...]",
      defaultValue = "${env:LVS_RESERVED_CIDRS:-}",
      description = "Ranges no VIP, NAT gateway or static real server may lie in, beyond node addresses and the nodes'"
          + " pod ranges: give the cluster's Service range (default: none).")
  List<String> reservedCidrs;

  @Option(names = "--default-load-balancer", arity = "1", paramLabel = "true|false",
      defaultValue = "${env:LVS_DEFAULT_LOAD_BALANCER:-false}",
      description = "Also serve Services of type LoadBalancer without a loadBalancerClass, as the cluster's default"
          + " load balancer; those naming " + LoadBalancers.CLASS + " are served always (default: ${DEFAULT-VALUE}).")
  boolean defaultLoadBalancer;

  @Option(names = "--http", defaultValue = "${env:LVS_HTTP:-0.0.0.0:8080}",
      description = "Where /metrics, /healthz and /readyz listen (default: ${DEFAULT-VALUE}).")
  String http;

  public static void main(String[] args) {
    System.exit(new CommandLine(new OperatorMain()).execute(args));
  }

  OperatorOptions options() {
    int colon = http.lastIndexOf(':');
    return new OperatorOptions(interfaceName, dataplaneSelector, leaderElection, leaseNamespace, serverSideApply,
        http.substring(0, colon), Integer.parseInt(http.substring(colon + 1)), servicesPerDirectorObject,
        dataplaneNamespace, reservedCidrs == null ? List.of() : reservedCidrs.stream().filter(c -> !c.isBlank())
            .map(Ipv4Prefix::parse).toList(), maxPartBytes, standbys, Duration.ofMillis(publishWindowMillis),
        advertisementIntervalMillis, holdSeconds, defaultLoadBalancer);
  }

  @Override
  public Integer call() throws Exception {
    OperatorOptions opts;
    try {
      opts = options();
    } catch (IllegalArgumentException e) {
      System.err.println("lvs-operator: " + e.getMessage());
      return 2;
    }
    KubernetesClient client = new KubernetesClientBuilder().build();
    Running running = start(client, opts);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      running.close();
      stopped.countDown();
    }, "shutdown"));
    stopped.await();
    return 0;
  }

  /** A started operator with its HTTP endpoint. */
  public record Running(Operator operator, OperatorHttpServer http, PrometheusMeterRegistry registry,
      LoadBalancerReconciler loadBalancers)
      implements AutoCloseable {
    /** Where /metrics, /healthz and /readyz listen. */
    public InetSocketAddress httpAddress() {
      return http.address();
    }

    @Override
    public void close() {
      operator.stop();
      loadBalancers.close();
      http.close();
    }
  }

  /** Starts the operator on {@code client}; used by main and by the tests. */
  public static Running start(KubernetesClient client, OperatorOptions opts) throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Operator operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withUseSSAToPatchPrimaryResource(opts.useServerSideApply())
          // per controller, not per resource: per-resource meters made /metrics 210 MB at 10,000
          // VirtualServices (operator/bench/scale.sh)
          .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry))
          .withCloseClientOnStop(false);
      if (opts.leaderElection()) {
        o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(OperatorOptions.LEASE_NAME,
            opts.leaseNamespace()));
      }
    });
    VirtualServiceReconciler reconciler = new VirtualServiceReconciler(client, opts, Clock.systemUTC());
    reconciler.bindMetrics(registry);
    operator.register(reconciler);
    VipPoolReconciler pools = new VipPoolReconciler(reconciler, Clock.systemUTC());
    pools.bindMetrics(registry);
    operator.register(pools);
    LoadBalancerReconciler loadBalancers = new LoadBalancerReconciler(client, opts.defaultLoadBalancer());
    operator.register(loadBalancers);
    OperatorHttpServer http = new OperatorHttpServer(new InetSocketAddress(opts.httpHost(), opts.httpPort()), Map.of(
        "/metrics", () -> new OperatorHttpServer.Reply(200, OperatorHttpServer.PROMETHEUS_TEXT, registry.scrape()),
        "/healthz", () -> OperatorHttpServer.Reply.text(200, "ok\n"),
        "/readyz", () -> operator.getRuntimeInfo().allEventSourcesAreHealthy()
            ? OperatorHttpServer.Reply.text(200, "ok\n") : OperatorHttpServer.Reply.text(503, "event sources unhealthy\n")));
    http.start();
    try {
      operator.start();
    } catch (RuntimeException e) {
      http.close();
      throw e;
    }
    LOG.info("operator started: interface {}, dataplane pods {}, leader election {}, http {}", opts.interfaceName(),
        opts.dataplaneSelector(), opts.leaderElection(), http.address());
    return new Running(operator, http, registry, loadBalancers);
  }
}
