package io.lvsoperator.dataplane.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.lvsoperator.api.v1alpha1.ConnectionTableSpec;
import io.lvsoperator.api.v1alpha1.DirectorLeases;
import io.lvsoperator.api.v1alpha1.DirectorSpec;
import io.lvsoperator.api.v1alpha1.DirectorSpecReader;
import io.lvsoperator.api.v1alpha1.InvalidConfigurationException;
import io.lvsoperator.dataplane.admin.AdminServer;
import io.lvsoperator.dataplane.admin.EngineHealth;
import io.lvsoperator.dataplane.cluster.ClusterAgent;
import io.lvsoperator.dataplane.cluster.DataplaneTarget;
import io.lvsoperator.dataplane.cluster.ConfigCache;
import io.lvsoperator.dataplane.codec.IpvsSync;
import io.lvsoperator.dataplane.codec.MacAddress;
import io.lvsoperator.dataplane.codec.Vrrp;
import io.lvsoperator.dataplane.control.ConfigApplier;
import io.lvsoperator.dataplane.control.FanoutSteering;
import io.lvsoperator.dataplane.control.SocketFilter;
import io.lvsoperator.dataplane.control.ConfigFileWatcher;
import io.lvsoperator.dataplane.control.ForwardingTable;
import io.lvsoperator.dataplane.control.InterfaceWatcher;
import io.lvsoperator.dataplane.engine.Engine;
import io.lvsoperator.dataplane.engine.EngineLoop;
import io.lvsoperator.dataplane.engine.Engines;
import io.lvsoperator.dataplane.engine.Workers;
import io.lvsoperator.dataplane.health.HealthChecker;
import io.lvsoperator.dataplane.io.AfPacketPort;
import io.lvsoperator.dataplane.io.FanoutGroup;
import io.lvsoperator.dataplane.io.InterfaceInfo;
import io.lvsoperator.dataplane.io.LinkState;
import io.lvsoperator.dataplane.io.MulticastMembership;
import io.lvsoperator.dataplane.io.PacketPort;
import io.lvsoperator.dataplane.io.PcapPacketPort;
import io.lvsoperator.dataplane.io.PortException;
import io.lvsoperator.dataplane.io.PortHealth;
import io.lvsoperator.dataplane.io.ReopeningPort;
import io.lvsoperator.dataplane.kernel.KernelGuard;
import io.lvsoperator.dataplane.lvs.conn.LocalPorts;
import io.lvsoperator.dataplane.stats.DataplaneMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code run}: the director, forwarding until SIGTERM/SIGINT, with its configuration from a file
 * (reloaded on change) or from the cluster (the shared configuration).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run the director on an interface, configured by FILE (reloaded on change) or by "
        + "the cluster's shared configuration (--kubernetes).")
public final class RunCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
  private static final long FILE_POLL_MILLIS = 500;
  private static final long WATCH_MILLIS = 1_000;
  /** Two engine ticks: the priority-0 advertisement leaves before the port closes. */
  private static final long RESIGN_MILLIS = 120;
  /** Above the engine's own bound for a hand-over: the shutdown hook never waits for ever. */
  private static final long HANDOVER_WAIT_NANOS = 11_000_000_000L;
  /**
   * Outside Prometheus' exporter range (9100-9999, full, and 9100 is node_exporter's on every
   * kube-prometheus node) and Kubernetes' node ports (10248-10259); the chart sets the same.
   */
  static final int DEFAULT_ADMIN_PORT = 7479;

  @Option(names = "--config", paramLabel = "FILE", description = "Director configuration, YAML or JSON (see README).")
  Path config;

  @Option(names = "--kubernetes", description = "Take the configuration from the cluster: the shared configuration"
      + " (DirectorConfig, DirectorConfigPart), holding a Lease and reporting on this node's Director.")
  boolean kubernetes;

  @Option(names = "--node", defaultValue = "${env:NODE_NAME}",
      description = "Node name in cluster mode (default: the NODE_NAME environment variable).")
  String node;

  @Option(names = "--state-dir", defaultValue = "/var/lib/lvs-dataplane",
      description = "Where cluster mode keeps the last applied configuration (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(names = "--lease-seconds", defaultValue = "" + DirectorLeases.DEFAULT_DURATION_SECONDS,
      description = "Duration of this director's Lease, renewed every third of it; the operator moves the VIPs"
          + " of a director it has not seen renew it for this long (default: ${DEFAULT-VALUE}).")
  int leaseSeconds;

  @Option(names = "--namespace", defaultValue = "${env:POD_NAMESPACE:-lvs-system}",
      description = "Namespace of this director's Lease (default: the POD_NAMESPACE environment variable, else"
          + " ${DEFAULT-VALUE}).")
  String namespace;

  @Option(names = "--interface", paramLabel = "IF", description = "Interface to own; overrides the configuration's.")
  String interfaceName;

  @Option(names = "--admin", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:" + DEFAULT_ADMIN_PORT,
      description = "Admin endpoint: /livez, /healthz, /metrics, and /v1/state on loopback (default: ${DEFAULT-VALUE}).")
  String admin;

  /** How frames reach the engine. */
  enum Io {
    /** afpacket where the kernel offers it, else pcap; chosen at start and logged. */
    auto,
    /** pcap4j (libpcap): the portable fallback; it cannot tell offloaded frames, so offloads must be off. */
    pcap,
    /** A Linux AF_PACKET socket read and written in batches of 64, with offloads (PACKET_VNET_HDR). */
    afpacket
  }

  @Option(names = "--fullnat-ports", defaultValue = LocalPorts.DEFAULT_FIRST + "-" + LocalPorts.DEFAULT_LAST,
      paramLabel = "FIRST-LAST",
      description = "Ports FULLNAT connections leave from, on the local address (the interface's first address):"
          + " as many connections per real server and port; keep them out of the node's ephemeral range"
          + " (net.ipv4.ip_local_port_range) and its listening ports (default: ${DEFAULT-VALUE}).")
  String fullNatPorts;

  @Option(names = "--io", defaultValue = "auto", paramLabel = "auto|afpacket|pcap",
      description = "Packet I/O: auto (default: afpacket where the kernel offers it, else pcap), afpacket (batched"
          + " Linux packet socket with offloads, the fast path) or pcap (libpcap through pcap4j, the portable"
          + " fallback: the interface's checksum offload, TSO and GRO must be off). See docs/benchmarks.md.")
  Io io;

  @Option(names = "--workers", paramLabel = "auto|N", defaultValue = "auto", converter = WorkerCount.Converter.class,
      description = "Engine workers, each a thread with its own packet socket (one fanout group: both directions of a"
          + " connection reach the worker that holds it) and its share of the connection table: auto (default: half"
          + " the CPUs this process may use, at most " + WorkerCount.AUTO_MAX + "; one with pcap) or 1 to "
          + RunCommand.MAX_WORKERS + " (more than one needs --io afpacket). See docs/architecture.md, \"Workers\".")
  WorkerCount workerCount;

  /** The workers running, once resolved at start. */
  private int workers;

  @Option(names = "--busy-poll", paramLabel = "MICROS", defaultValue = "" + DEFAULT_BUSY_POLL_MICROS,
      description = "After a frame, each engine keeps checking its receive ring for this many microseconds before it"
          + " sleeps in poll(2): while frames come closer together than that, the engine is not put to sleep and"
          + " woken for each. 0 sleeps at once; afpacket only (default: ${DEFAULT-VALUE}). See docs/benchmarks.md.")
  long busyPollMicros;

  static final long DEFAULT_BUSY_POLL_MICROS = 0;
  /** Spinning longer than this after each frame would be a busy loop, not a poll. */
  static final long MAX_BUSY_POLL_MICROS = 10_000;

  /** More workers than this gain nothing on any node we know, and each takes a socket and a thread. */
  static final int MAX_WORKERS = 64;

  @Override
  public Integer call() throws Exception {
    if (!workerCount.auto() && (workerCount.given() < 1 || workerCount.given() > MAX_WORKERS)) {
      System.err.println("lvs-dataplane: --workers must be auto or 1 to " + MAX_WORKERS + ", not "
          + workerCount.given());
      return 2;
    }
    if (!workerCount.auto() && workerCount.given() > 1 && io == Io.pcap) {
      System.err.println("lvs-dataplane: --workers " + workerCount + " needs --io afpacket (pcap has no fanout)");
      return 2;
    }
    if (busyPollMicros < 0 || busyPollMicros > MAX_BUSY_POLL_MICROS) {
      System.err.println("lvs-dataplane: --busy-poll must be 0 to " + MAX_BUSY_POLL_MICROS + " microseconds, not "
          + busyPollMicros);
      return 2;
    }
    if ((config == null) == !kubernetes) {
      System.err.println("lvs-dataplane: give either --config FILE or --kubernetes");
      return 2;
    }
    try {
      localPorts();
    } catch (IllegalArgumentException e) {
      System.err.println("lvs-dataplane: " + e.getMessage());
      return 2;
    }
    DirectorSpec first = null;
    ConfigCache cache = null;
    if (config != null) {
      try {
        first = DirectorSpecReader.read(config);
      } catch (InvalidConfigurationException e) {
        System.err.println("lvs-dataplane: " + config + " is invalid:");
        e.violations().forEach(v -> System.err.println("  " + v));
        return 2;
      }
    } else {
      if (node == null || node.isBlank()) {
        System.err.println("lvs-dataplane: --kubernetes needs --node or the NODE_NAME environment variable");
        return 2;
      }
      cache = new ConfigCache(stateDir.resolve("director-" + node + ".json"));
      first = cache.load().orElse(null);
    }
    String ifName = interfaceName != null ? interfaceName : first != null ? first.interfaceName() : null;
    if (ifName == null || ifName.isBlank()) {
      System.err.println("lvs-dataplane: no interface: pass --interface"
          + (config != null ? " or set `interface` in " + config : ""));
      return 2;
    }
    InetSocketAddress adminAddress = HostPort.parse(admin);
    InterfaceInfo iface = InterfaceInfo.read(ifName);
    int capacity = (first != null ? first.connectionTable() : ConnectionTableSpec.DEFAULTS).maxEntries();

    AtomicReference<ForwardingTable> tables = new AtomicReference<>();
    ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "control");
      t.setDaemon(true);
      return t;
    });
    AtomicReference<Runnable> afterReopen = new AtomicReference<>(() -> {});
    io = chosenIo(ifName);
    workers = chosenWorkers(ifName);
    if (busyPollMicros > 0) {
      if (io == Io.afpacket) {
        LOG.info("director {}: busy polling for {} us after each frame", ifName, busyPollMicros);
      } else {
        LOG.warn("director {}: --busy-poll {} needs afpacket; each engine sleeps as soon as it has no frame", ifName,
            busyPollMicros);
      }
    }
    // one socket per worker (docs/architecture.md, "Workers"): with several, in one fanout group
    List<PacketPort> ports = new ArrayList<>();
    PortHealth portHealth;
    AutoCloseable packetIo;
    FanoutSteering steering = null;
    if (workers == 1) {
      ReopeningPort port = new ReopeningPort(ifName, openPort(ifName), () -> openPort(ifName),
          () -> afterReopen.get().run());
      ports.add(port);
      portHealth = port;
      packetIo = port;
    } else {
      FanoutGroup group = FanoutGroup.open(ifName, workers, () -> openPort(ifName), () -> afterReopen.get().run());
      for (int k = 0; k < workers; k++) {
        ports.add(group.member(k));
      }
      portHealth = group;
      packetIo = group;
      steering = new FanoutSteering(group, ifName);
    }
    LocalPorts localPorts = localPorts();
    Workers shared = new Workers(workers);
    List<Engine> engineList = new ArrayList<>();
    for (int k = 0; k < workers; k++) {
      engineList.add(new Engine(ports.get(k), tables, Math.max(1, capacity / workers), System::nanoTime,
          workers == 1 ? localPorts : localPorts.share(k, workers), shared, k));
    }
    Engines engines = new Engines(engineList);
    KernelGuard guard = new KernelGuard(ifName, localPorts);
    // the socket passes only what the configuration needs (README, "Only its own frames")
    SocketFilter socketFilter = new SocketFilter(ports, ifName);
    Consumer<ForwardingTable> prepare = ConfigApplier.guardedBy(guard).andThen(socketFilter::prepare);
    Consumer<ForwardingTable> inForce = socketFilter::inForce;
    if (steering != null) {
      prepare = prepare.andThen(steering::prepare);
      inForce = inForce.andThen(steering::inForce);
    }
    ConfigApplier applier = new ConfigApplier(iface, tables, prepare, inForce, workers);
    InterfaceWatcher watcher = new InterfaceWatcher(ifName, applier, guard::holds, engines::requestReannounce);
    // peers' VRRP advertisements and sync messages reach the packet socket through a NIC's
    // multicast filter
    MulticastMembership vrrpGroup = new MulticastMembership(ifName, Vrrp.GROUP_MAC, IpvsSync.GROUP_MAC);
    vrrpGroup.join();
    // after a reopen: announce at once, and look at the interface now rather than within a second
    afterReopen.set(() -> {
      engines.requestReannounce();
      control.execute(watcher);
      control.execute(vrrpGroup::join);
    });
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    DataplaneMetrics metrics = new DataplaneMetrics(registry, engines, node != null ? node : ifName,
        applier::failures);
    HealthChecker health = new HealthChecker();
    metrics.bindHealthChecks(health);
    List<EngineLoop> loops = new ArrayList<>();
    for (int k = 0; k < workers; k++) {
      loops.add(new EngineLoop(engineList.get(k), ports.get(k), workers == 1 ? ifName : ifName + "-" + k));
    }
    metrics.bindFaults(portHealth, loops, watcher);
    metrics.bindSocketFilter(socketFilter);
    if (steering != null) {
      metrics.bindFanout(steering);
    }
    EngineHealth engineHealth = new EngineHealth(loops, portHealth, watcher, tables::get,
        () -> engines.snapshot().priority());
    AdminServer adminServer = new AdminServer(adminAddress, tables::get, engines, registry, engineHealth);
    Consumer<ForwardingTable> onApplied = t -> {
      metrics.sync(t);
      health.follow(t);
    };
    List<AutoCloseable> sources = new ArrayList<>();

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("director {} stopping", ifName);
      // peers take its addresses over at once on its priority-0 advertisement, sent as soon as
      // each of its addresses has a live director to take it (a rolling update: the one restarted
      // before it may not be back in the orders yet); the configuration keeps coming meanwhile
      engines.resign();
      long deadline = System.nanoTime() + HANDOVER_WAIT_NANOS;
      while (!engines.handedOver() && System.nanoTime() - deadline < 0) {
        sleepQuietly(20);
      }
      sleepQuietly(RESIGN_MILLIS);
      control.shutdownNow();
      for (AutoCloseable c : sources) {
        try {
          c.close();
        } catch (Exception e) {
          LOG.warn("director {}: {} did not close cleanly: {}", ifName, c, e.getMessage());
        }
      }
      health.close();
      loops.forEach(EngineLoop::close);
      adminServer.close();
      guard.close();
      vrrpGroup.close();
      try {
        packetIo.close();
      } catch (Exception e) {
        LOG.warn("director {}: packet I/O did not close cleanly: {}", ifName, e.getMessage());
      }
      stopped.countDown();
    }, "shutdown"));

    loops.forEach(EngineLoop::start);
    control.scheduleWithFixedDelay(watcher, WATCH_MILLIS, WATCH_MILLIS, TimeUnit.MILLISECONDS);
    if (config != null) {
      startFileMode(ifName, applier, tables, onApplied, control);
    } else {
      startClusterMode(ifName, applier, tables, () -> engineHealth.notForwarding() == null,
          () -> engines.snapshot().announced(), cache, onApplied, sources);
    }
    adminServer.start();
    LOG.info("director {} running (MAC {}, MTU {}, {} engine worker{}), admin on {}", ifName,
        MacAddress.format(iface.mac()), iface.mtu(), workers, workers == 1 ? "" : "s", adminAddress);
    stopped.await();
    return 0;
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The packet I/O to use: as asked, or for auto the fastest the kernel offers; logged with why. */
  private Io chosenIo(String ifName) {
    if (io != Io.auto) {
      LOG.info("director {}: packet I/O {} (--io {})", ifName, io, io);
      return io;
    }
    String refused = AfPacketPort.unavailable();
    if (refused == null) {
      LOG.info("director {}: packet I/O afpacket (auto: the kernel offers batched packet sockets with offloads)",
          ifName);
      return Io.afpacket;
    }
    LOG.warn("director {}: packet I/O pcap (auto: afpacket unavailable: {}); the interface's checksum offload, TSO"
        + " and GRO must be off", ifName, refused);
    return Io.pcap;
  }

  /** The engine workers: as asked, or for auto from the CPUs this process may use; logged with why. */
  private int chosenWorkers(String ifName) {
    boolean fanout = io == Io.afpacket;
    if (!workerCount.auto() && workerCount.given() > 1 && !fanout) {
      LOG.warn("director {}: {} engine workers need afpacket; running one", ifName, workerCount);
      return 1;
    }
    int cpus = Runtime.getRuntime().availableProcessors();
    int n = workerCount.resolve(fanout, cpus);
    LOG.info("director {}: {} engine worker{} ({})", ifName, n, n == 1 ? "" : "s", workerCount.reason(fanout, cpus));
    return n;
  }

  private PacketPort openPort(String ifName) throws PortException {
    String down = LinkState.problem(ifName);
    if (down != null) {
      throw new PortException(down, null);
    }
    if (io != Io.afpacket) {
      return PcapPacketPort.open(ifName, null);
    }
    AfPacketPort port = AfPacketPort.open(ifName);
    port.busyPoll(TimeUnit.MICROSECONDS.toNanos(busyPollMicros));
    return port;
  }

  private void startFileMode(String ifName, ConfigApplier applier, AtomicReference<ForwardingTable> tables,
      Consumer<ForwardingTable> onApplied, ScheduledExecutorService control) {
    ConfigFileWatcher watcher = new ConfigFileWatcher(config, applier, s -> s.withInterfaceName(ifName));
    if (!watcher.poll()) {
      LOG.error("director {} could not apply its first configuration; waiting for a valid {}", ifName, config);
    }
    if (tables.get() != null) {
      onApplied.accept(tables.get());
    }
    control.scheduleWithFixedDelay(() -> {
      ForwardingTable before = tables.get();
      watcher.poll();
      ForwardingTable after = tables.get();
      if (after != null && after != before) {
        onApplied.accept(after);
      }
    }, FILE_POLL_MILLIS, FILE_POLL_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void startClusterMode(String ifName, ConfigApplier applier, AtomicReference<ForwardingTable> tables,
      BooleanSupplier forwarding, Supplier<int[]> announced, ConfigCache cache, Consumer<ForwardingTable> onApplied,
      List<AutoCloseable> sources) {
    KubernetesClient client = new KubernetesClientBuilder().build();
    DataplaneTarget target = new DataplaneTarget(node, applier, tables, forwarding, announced, cache,
        s -> s.withInterfaceName(ifName), onApplied);
    ClusterAgent agent = new ClusterAgent(client, node, namespace, target, Duration.ofSeconds(leaseSeconds),
        Clock.systemUTC());
    if (target.startFromCache(Duration.ofSeconds(leaseSeconds))) {
      LOG.info("director {} runs its cached configuration until the API server answers (its VIPs after {} s"
          + " without an answer)", node, leaseSeconds);
    }
    agent.start();
    sources.add(agent);
    sources.add(client);
  }

  /** {@code --fullnat-ports}, checked: a bad range stops the start with the reason. */
  LocalPorts localPorts() {
    String[] range = fullNatPorts.split("-", 2);
    try {
      return new LocalPorts(Integer.parseInt(range[0].trim()), Integer.parseInt(range[range.length - 1].trim()),
          new java.security.SecureRandom().nextInt());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--fullnat-ports " + fullNatPorts + " is not FIRST-LAST");
    }
  }

}
