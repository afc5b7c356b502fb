package io.lvsoperator.dataplane.cli;

import io.lvsoperator.api.v1alpha1.DirectorSpec;
import io.lvsoperator.api.v1alpha1.DirectorSpecReader;
import io.lvsoperator.api.v1alpha1.InvalidConfigurationException;
import io.lvsoperator.dataplane.admin.AdminServer;
import io.lvsoperator.dataplane.codec.MacAddress;
import io.lvsoperator.dataplane.control.ConfigApplier;
import io.lvsoperator.dataplane.control.ConfigFileWatcher;
import io.lvsoperator.dataplane.control.ForwardingTable;
import io.lvsoperator.dataplane.engine.Engine;
import io.lvsoperator.dataplane.engine.EngineLoop;
import io.lvsoperator.dataplane.health.HealthChecker;
import io.lvsoperator.dataplane.io.InterfaceInfo;
import io.lvsoperator.dataplane.io.PcapPacketPort;
import io.lvsoperator.dataplane.kernel.KernelGuard;
import io.lvsoperator.dataplane.stats.DataplaneMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code run}: the director, forwarding until SIGTERM/SIGINT, reloading its file on change. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run the director on an interface with the configuration in FILE (reloaded on change).")
public final class RunCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
  private static final long FILE_POLL_MILLIS = 500;
  private static final int HEALTH_CHECK_THREADS = 4;

  @Option(names = "--config", paramLabel = "FILE", required = true,
      description = "Director configuration, YAML or JSON (see README).")
  Path config;

  @Option(names = "--interface", paramLabel = "IF", description = "Interface to own; overrides the file's.")
  String interfaceName;

  @Option(names = "--admin", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9100",
      description = "Admin endpoint: /healthz, /metrics, /v1/state (default: ${DEFAULT-VALUE}).")
  String admin;

  @Override
  public Integer call() throws Exception {
    DirectorSpec first;
    try {
      first = DirectorSpecReader.read(config);
    } catch (InvalidConfigurationException e) {
      System.err.println("lvs-dataplane: " + config + " is invalid:");
      e.violations().forEach(v -> System.err.println("  " + v));
      return 2;
    }
    String ifName = interfaceName != null ? interfaceName : first.interfaceName();
    if (ifName == null || ifName.isBlank()) {
      System.err.println("lvs-dataplane: no interface: set `interface` in " + config + " or pass --interface");
      return 2;
    }
    InetSocketAddress adminAddress = HostPort.parse(admin);
    InterfaceInfo iface = InterfaceInfo.read(ifName);

    AtomicReference<ForwardingTable> tables = new AtomicReference<>();
    PcapPacketPort port = PcapPacketPort.open(ifName, null);
    Engine engine = new Engine(port, tables, first.connectionTable().maxEntries(), System::nanoTime);
    KernelGuard guard = new KernelGuard(ifName);
    ConfigApplier applier = new ConfigApplier(iface, tables, ConfigApplier.guardedBy(guard));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    DataplaneMetrics metrics = new DataplaneMetrics(registry, engine, ifName, applier::failures);
    ConfigFileWatcher watcher = new ConfigFileWatcher(config, applier, s -> s.withInterfaceName(ifName));
    HealthChecker health = new HealthChecker(HEALTH_CHECK_THREADS);
    metrics.bindHealthChecks(health);
    EngineLoop loop = new EngineLoop(engine, port, ifName);
    AdminServer adminServer = new AdminServer(adminAddress, tables, engine, registry, loop::running);

    ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "config-watch");
      t.setDaemon(true);
      return t;
    });
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("director {} stopping", ifName);
      control.shutdownNow();
      health.close();
      loop.close();
      adminServer.close();
      guard.close();
      port.close();
      stopped.countDown();
    }, "shutdown"));

    loop.start();
    if (!watcher.poll()) {
      LOG.error("director {} could not apply its first configuration; waiting for a valid {}", ifName, config);
    }
    ForwardingTable applied = tables.get();
    if (applied != null) {
      metrics.sync(applied);
      health.follow(applied);
    }
    control.scheduleWithFixedDelay(() -> {
      ForwardingTable before = tables.get();
      watcher.poll();
      ForwardingTable after = tables.get();
      if (after != null && after != before) {
        metrics.sync(after);
        health.follow(after);
      }
    }, FILE_POLL_MILLIS, FILE_POLL_MILLIS, TimeUnit.MILLISECONDS);
    adminServer.start();
    LOG.info("director {} running (MAC {}, MTU {}), admin on {}", ifName,
        MacAddress.format(iface.mac()), iface.mtu(), adminAddress);
    stopped.await();
    return 0;
  }
}
