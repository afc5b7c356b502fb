package io.lvsoperator.dataplane.cluster;

import io.lvsoperator.api.v1alpha1.DirectorSpec;
import io.lvsoperator.api.v1alpha1.DirectorStatus;
import io.lvsoperator.dataplane.control.ConfigApplier;
import io.lvsoperator.dataplane.control.ForwardingTable;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dataplane behind cluster mode: compiles and swaps in each configuration through the same
 * path as file mode (on the agent's thread, never the packet thread), keeps the last one on
 * disk, and reports what is in force.
 */
public final class DataplaneTarget implements AgentTarget {
  private static final Logger LOG = LoggerFactory.getLogger(DataplaneTarget.class);

  private final String node;
  private final ConfigApplier applier;
  private final AtomicReference<ForwardingTable> tables;
  private final BooleanSupplier forwarding;
  private final Supplier<int[]> announced;
  private final ConfigCache cache;
  private final UnaryOperator<DirectorSpec> overrides;
  private final Consumer<ForwardingTable> onApplied;
  /** A configuration came from the API server: the cache's VIPs are not wanted any more. */
  private volatile boolean fromApi;

  /** @param announced the addresses the engine announces now (its status reports them) */
  public DataplaneTarget(String node, ConfigApplier applier, AtomicReference<ForwardingTable> tables,
      BooleanSupplier forwarding, Supplier<int[]> announced, ConfigCache cache, UnaryOperator<DirectorSpec> overrides,
      Consumer<ForwardingTable> onApplied) {
    this.node = node;
    this.applier = applier;
    this.tables = tables;
    this.forwarding = forwarding;
    this.announced = announced;
    this.cache = cache;
    this.overrides = overrides;
    this.onApplied = onApplied;
  }

  /**
   * Applies the cached configuration, if any, before the API server is even asked. While this
   * dataplane was down another director may have taken its VIPs over, and announcing them from
   * the cache would take them back (issue 11: never a stale owner). A configuration with peers
   * (failover) is applied with every peer ahead of this director in every order: it listens to
   * its peers (a second), then announces only while no peer at all is heard, until the API
   * server's configuration replaces the cached one (docs/architecture.md, "Director liveness";
   * the orders may have changed while it was down). One without is applied without its VIPs,
   * which follow with the first configuration from the API server, or, if none came within
   * {@code withhold} (the Lease's duration: by then a director that was down would have lost
   * them anyway, and one that could not reach the API server kept them), from the cache.
   */
  public boolean startFromCache(Duration withhold) {
    Optional<DirectorSpec> cached = cache.load();
    if (cached.isEmpty()) {
      return false;
    }
    DirectorSpec spec = cached.get();
    if (spec.failover() != null) {
      return install(spec.withFailover(spec.failover().behindEveryPeer()),
          "the local cache (behind every peer: announcing only while no peer is heard)");
    }
    if (!install(spec.withoutAnnouncements(), "the local cache (VIPs withheld)")) {
      return false;
    }
    if (!spec.vips().isEmpty()) {
      ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cache-vips");
        t.setDaemon(true);
        return t;
      });
      timer.schedule(() -> {
        synchronized (this) { // never after, and so over, a configuration from the API server
          if (!fromApi) {
            LOG.warn("director {}: no configuration from the API server within {} s; announcing the cached VIPs {}",
                node, withhold.toSeconds(), spec.vips());
            install(spec, "the local cache");
          }
        }
        timer.shutdown();
      }, withhold.toMillis(), TimeUnit.MILLISECONDS);
    }
    return true;
  }

  /** A configuration from the API server: it replaces the cache's, VIPs and all. */
  @Override
  public synchronized boolean apply(DirectorSpec spec, String source) {
    fromApi = true;
    return install(spec, source);
  }

  /** Compiles and swaps {@code spec} in; only a configuration from the API server is cached. */
  private synchronized boolean install(DirectorSpec spec, String source) {
    ForwardingTable before = tables.get();
    long started = System.nanoTime();
    boolean ok = applier.apply(overrides.apply(spec));
    ForwardingTable after = tables.get();
    if (ok && after != null && after != before && fromApi) {
      cache.save(spec);
    }
    if (ok && after != null && after != before) {
      onApplied.accept(after);
      LOG.info("director {} runs generation {} from {} ({} services, VIPs {}, compiled in {} ms)", node,
          spec.generation(), source, spec.services().size(), spec.vips(), (System.nanoTime() - started) / 1_000_000);
    }
    return ok;
  }

  @Override
  public String lastRejection() {
    return applier.lastRejection();
  }

  @Override
  public DirectorStatus status(DirectorStatus previous, Instant now) {
    return DirectorStatusBuilder.build(tables.get(), forwarding.getAsBoolean(), applier.lastRejection(), previous, now,
        announced.get());
  }
}
