package io.lvsoperator.dataplane.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.lvsoperator.api.v1alpha1.Director;
import io.lvsoperator.api.v1alpha1.DirectorParts;
import io.lvsoperator.api.v1alpha1.DirectorSpec;
import io.lvsoperator.api.v1alpha1.DirectorStatus;
import io.lvsoperator.dataplane.control.ConfigApplier;
import io.lvsoperator.dataplane.control.ForwardingTable;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster mode: watches this node's Director objects, applies each complete new configuration
 * through the same compile-and-swap path as file mode, keeps the last one on disk, and writes
 * Director.status (on the object named after the node) after every change and as a heartbeat.
 * While the API server is unreachable it keeps forwarding with what it has, and at start it
 * forwards at once from the disk cache.
 */
public final class ClusterAgent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterAgent.class);
  public static final String NODE_LABEL = DirectorParts.NODE_LABEL;

  private final KubernetesClient client;
  private final String node;
  private final ConfigApplier applier;
  private final AtomicReference<ForwardingTable> tables;
  private final BooleanSupplier forwarding;
  private final ConfigCache cache;
  private final UnaryOperator<DirectorSpec> overrides;
  private final Consumer<ForwardingTable> onApplied;
  private final Duration heartbeat;
  private final Clock clock;
  private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "director-agent");
    t.setDaemon(true);
    return t;
  });
  private SharedIndexInformer<Director> informer;
  private boolean apiDown;
  /** A generation refused once is not tried again (our own status writes would loop on it). */
  private long refusedGeneration = -1;

  public ClusterAgent(KubernetesClient client, String node, ConfigApplier applier,
      AtomicReference<ForwardingTable> tables, BooleanSupplier forwarding, ConfigCache cache,
      UnaryOperator<DirectorSpec> overrides, Consumer<ForwardingTable> onApplied, Duration heartbeat, Clock clock) {
    this.client = client;
    this.node = node;
    this.applier = applier;
    this.tables = tables;
    this.forwarding = forwarding;
    this.cache = cache;
    this.overrides = overrides;
    this.onApplied = onApplied;
    this.heartbeat = heartbeat;
    this.clock = clock;
  }

  /** Applies the cached configuration, if any, before the API server is even asked. */
  public boolean startFromCache() {
    Optional<DirectorSpec> cached = cache.load();
    if (cached.isEmpty()) {
      return false;
    }
    boolean ok = apply(cached.get(), "the local cache");
    return ok;
  }

  public void start() {
    ResourceEventHandler<Director> handler = new ResourceEventHandler<>() {
      @Override
      public void onAdd(Director d) {
        worker.execute(ClusterAgent.this::reconcile);
      }

      @Override
      public void onUpdate(Director before, Director after) {
        worker.execute(ClusterAgent.this::reconcile);
      }

      @Override
      public void onDelete(Director d, boolean unknownFinalState) {
        worker.execute(ClusterAgent.this::reconcile);
      }
    };
    informer = client.resources(Director.class).withLabel(NODE_LABEL, node).runnableInformer(0);
    informer.addEventHandler(handler);
    informer.start();
    worker.scheduleWithFixedDelay(this::report, 0, heartbeat.toMillis(), TimeUnit.MILLISECONDS);
    LOG.info("director {} watching its Director objects", node);
  }

  private void reconcile() {
    Optional<DirectorSpec> spec = DirectorParts.assemble(informer.getStore().list().stream().map(Director::getSpec)
        .toList());
    if (spec.isEmpty()) {
      return; // none yet, or parts of two generations: wait for the rest
    }
    ForwardingTable current = tables.get();
    long generation = spec.get().generation();
    if (generation == refusedGeneration
        || (current != null && current.generation() == generation && applier.lastRejection() == null)) {
      return;
    }
    if (apply(spec.get(), "Director " + node)) {
      report();
    }
  }

  private boolean apply(DirectorSpec spec, String source) {
    ForwardingTable before = tables.get();
    boolean ok = applier.apply(overrides.apply(spec));
    ForwardingTable after = tables.get();
    if (ok && after != null && after != before) {
      cache.save(spec);
      onApplied.accept(after);
      LOG.info("director {} runs generation {} from {}", node, spec.generation(), source);
    } else if (!ok) {
      refusedGeneration = spec.generation();
      report();
    }
    return ok;
  }

  /** Writes the status; an unreachable API server is logged once per outage, not per try. */
  void report() {
    try {
      Director d = client.resources(Director.class).withName(node).get();
      if (d == null) {
        return;
      }
      DirectorStatus status = DirectorStatusBuilder.build(tables.get(), forwarding.getAsBoolean(),
          applier.lastRejection(), d.getStatus(), clock.instant());
      d.setStatus(status);
      client.resources(Director.class).resource(d).updateStatus();
      if (apiDown) {
        LOG.info("director {}: API server reachable again, status written", node);
        apiDown = false;
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return; // the operator changed the object meanwhile: the next report goes through
      }
      if (!apiDown) {
        LOG.warn("director {}: cannot write status ({}); forwarding goes on with generation {}", node,
            e.getMessage(), tables.get() == null ? "none" : tables.get().generation());
        apiDown = true;
      }
    } catch (RuntimeException e) {
      if (!apiDown) {
        LOG.warn("director {}: cannot write status ({}); forwarding goes on", node, e.toString());
        apiDown = true;
      }
    }
  }

  @Override
  public void close() {
    worker.shutdownNow();
    if (informer != null) {
      informer.close();
    }
  }
}
