package io.lvsoperator.dataplane.health;

import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.api.v1alpha1.HealthCheckSpec;
import io.lvsoperator.api.v1alpha1.ServiceSpec;
import io.lvsoperator.dataplane.control.ForwardingTable;
import io.lvsoperator.dataplane.lvs.service.Destination;
import io.lvsoperator.dataplane.lvs.service.DestinationStats;
import io.lvsoperator.dataplane.lvs.service.VirtualService;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the real servers of every service that has a health check, as keepalived does: after
 * {@code fall} failures in a row a real server is taken out of scheduling (its open connections
 * go on), after {@code rise} successes it is put back. A new real server starts healthy, as with
 * IPVS, until its checks say otherwise. Each transition is logged once and counted. A timer
 * thread starts each check every interval (never a second one while the last is still running);
 * the {@link ProbeLoop} runs them all without blocking, fairly across services.
 */
public final class HealthChecker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);

  private final ScheduledExecutorService executor;
  private final ProbeLoop probes;
  private final Map<String, Target> targets = new HashMap<>();
  private final AtomicLong transitions = new AtomicLong();

  /** One real server of one service under check. */
  private final class Target {
    final String service;
    final String realServer;
    final HealthCheckSpec spec;
    final int address;
    final int port;
    final DestinationStats stats;
    ScheduledFuture<?> task;
    int successes;
    int failures;
    boolean probing;

    Target(String service, HealthCheckSpec spec, Destination d, int port) {
      this.service = service;
      this.realServer = Ipv4.format(d.address()) + ":" + port;
      this.spec = spec;
      this.address = d.address();
      this.port = port;
      this.stats = d.stats();
    }

    void run() {
      synchronized (this) {
        if (probing) {
          return; // the last check is still within its timeout
        }
        probing = true;
      }
      try {
        probes.submit(new ProbeLoop.Probe(service, spec, address, port, this::result));
      } catch (RuntimeException e) {
        synchronized (this) {
          probing = false; // not submitted: the next interval tries again
        }
        throw e;
      }
    }

    void result(boolean ok) {
      synchronized (this) {
        probing = false;
        if (ok) {
          failures = 0;
          successes++;
          if (!stats.healthy && successes >= spec.rise()) {
            stats.healthy = true;
            transitions.incrementAndGet();
            LOG.info("real server {} of {} is healthy again ({} {} checks passed)", realServer, service, successes,
                spec.type());
          }
        } else {
          successes = 0;
          failures++;
          if (stats.healthy && failures >= spec.fall()) {
            stats.healthy = false;
            transitions.incrementAndGet();
            LOG.warn("real server {} of {} is unhealthy ({} {} checks failed): no new connections", realServer,
                service, failures, spec.type());
          }
        }
      }
    }
  }

  public HealthChecker() {
    executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "health-check");
      t.setDaemon(true);
      return t;
    });
    try {
      probes = new ProbeLoop();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot open a selector for health checks", e);
    }
  }

  /** Follows a new configuration: starts checks for new targets, stops those that went away. */
  public synchronized void follow(ForwardingTable table) {
    Map<String, Target> keep = new HashMap<>();
    for (int i = 0; i < table.serviceList().size(); i++) {
      VirtualService svc = table.serviceList().get(i);
      ServiceSpec spec = table.spec().services().get(i);
      HealthCheckSpec hc = spec.healthCheck();
      if (hc == null) {
        continue;
      }
      for (Destination d : svc.destinations()) {
        // a UDP or every-port service names the TCP port to probe in the check itself
        int port = hc.port() != null ? hc.port() : d.port() == 0 ? svc.port() : d.port();
        if (port == 0) {
          continue; // every-port service without a port to probe
        }
        String key = svc.name() + "|" + Ipv4.format(d.address()) + ":" + port + "|" + hc + "|"
            + System.identityHashCode(d.stats());
        Target t = targets.remove(key);
        if (t == null) {
          t = new Target(svc.name(), hc, d, port);
          Target started = t;
          t.task = executor.scheduleWithFixedDelay(started::run, 0, hc.intervalSeconds(), TimeUnit.SECONDS);
        }
        keep.put(key, t);
      }
    }
    targets.values().forEach(t -> t.task.cancel(false));
    targets.clear();
    targets.putAll(keep);
  }

  /** Health transitions so far (both ways). */
  public long transitions() {
    return transitions.get();
  }

  @Override
  public synchronized void close() {
    executor.shutdownNow();
    probes.close();
  }
}
