package io.lvsoperator.dataplane.cluster;

import io.lvsoperator.api.v1alpha1.DirectorSpec;
import io.lvsoperator.api.v1alpha1.DirectorStatus;
import io.lvsoperator.dataplane.control.ConfigApplier;
import io.lvsoperator.dataplane.control.ForwardingTable;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
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
  private final ConfigCache cache;
  private final UnaryOperator<DirectorSpec> overrides;
  private final Consumer<ForwardingTable> onApplied;

  public DataplaneTarget(String node, ConfigApplier applier, AtomicReference<ForwardingTable> tables,
      BooleanSupplier forwarding, ConfigCache cache, UnaryOperator<DirectorSpec> overrides,
      Consumer<ForwardingTable> onApplied) {
    this.node = node;
    this.applier = applier;
    this.tables = tables;
    this.forwarding = forwarding;
    this.cache = cache;
    this.overrides = overrides;
    this.onApplied = onApplied;
  }

  /** Applies the cached configuration, if any, before the API server is even asked. */
  public boolean startFromCache() {
    Optional<DirectorSpec> cached = cache.load();
    return cached.isPresent() && apply(cached.get(), "the local cache");
  }

  @Override
  public boolean apply(DirectorSpec spec, String source) {
    ForwardingTable before = tables.get();
    long started = System.nanoTime();
    boolean ok = applier.apply(overrides.apply(spec));
    ForwardingTable after = tables.get();
    if (ok && after != null && after != before) {
      cache.save(spec);
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
    return DirectorStatusBuilder.build(tables.get(), forwarding.getAsBoolean(), applier.lastRejection(), previous, now);
  }
}
