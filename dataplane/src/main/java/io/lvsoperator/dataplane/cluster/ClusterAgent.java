package io.lvsoperator.dataplane.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.lvsoperator.api.v1alpha1.ConfigPartSpec;
import io.lvsoperator.api.v1alpha1.Director;
import io.lvsoperator.api.v1alpha1.DirectorConfig;
import io.lvsoperator.api.v1alpha1.DirectorConfigPart;
import io.lvsoperator.api.v1alpha1.DirectorParts;
import io.lvsoperator.api.v1alpha1.DirectorSpec;
import io.lvsoperator.api.v1alpha1.SharedConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster mode (docs/architecture.md, "The shared configuration"): watches the configuration all
 * directors share, applies each complete generation once it holds every part of it, holds this
 * director's Lease, and writes Director.status when it changes. When no shared configuration
 * exists (an operator of the previous contract still runs), it applies this node's own Director
 * objects as before. While the API server is unreachable it keeps forwarding with what it has.
 */
public final class ClusterAgent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterAgent.class);
  public static final String NODE_LABEL = DirectorParts.NODE_LABEL;
  /** How often the status is looked at; it is written only when it changed. */
  static final Duration STATUS_TICK = Duration.ofMillis(500);

  private final KubernetesClient client;
  private final String node;
  private final AgentTarget target;
  private final StatusReporter status;
  private final LeaseKeeper lease;
  private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "director-agent");
    t.setDaemon(true);
    return t;
  });
  private final AtomicBoolean reconcileQueued = new AtomicBoolean();
  private SharedIndexInformer<DirectorConfig> heads;
  private SharedIndexInformer<DirectorConfigPart> parts;
  private SharedIndexInformer<Director> legacy;
  /** Which configuration is in force ("shared 12", "legacy 3"), and which one was refused. */
  private String applied;
  private String refused;
  private volatile Duration statusInterval = Duration.ofSeconds(1);

  /**
   * @param namespace where this director's Lease lives (the dataplane's own namespace)
   * @param leaseDuration how long the operator waits for a renewal before it moves this director's VIPs
   */
  public ClusterAgent(KubernetesClient client, String node, String namespace, AgentTarget target,
      Duration leaseDuration, Clock clock) {
    this.client = client;
    this.node = node;
    this.target = target;
    NodeOwner owner = new NodeOwner(client, node, clock);
    this.status = new StatusReporter(client, node, target, clock, owner);
    this.lease = new LeaseKeeper(client, node, namespace, leaseDuration, clock, owner);
  }

  public void start() {
    lease.start();
    // started, not waited for: an API server that is down must not stop a dataplane from forwarding
    heads = watch(client.resources(DirectorConfig.class).runnableInformer(0));
    parts = watch(client.resources(DirectorConfigPart.class).withLabel(SharedConfig.PART_LABEL, SharedConfig.HEAD)
        .runnableInformer(0));
    legacy = watch(client.resources(Director.class).withLabel(NODE_LABEL, node).runnableInformer(0));
    worker.scheduleWithFixedDelay(() -> status.report(statusInterval), 0, STATUS_TICK.toMillis(),
        TimeUnit.MILLISECONDS);
    LOG.info("director {} watching the shared configuration and its Director objects", node);
  }

  private <T> SharedIndexInformer<T> watch(SharedIndexInformer<T> informer) {
    // always retry (with fabric8's backoff, a warning each time): by default an informer stops for
    // good on an object it cannot decode, or on an API server not up yet when it starts, and the
    // director would run its last configuration forever
    informer.exceptionHandler((started, error) -> true);
    informer.addEventHandler(handler());
    informer.start();
    return informer;
  }

  private <T> ResourceEventHandler<T> handler() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        queue();
      }

      @Override
      public void onUpdate(T before, T after) {
        queue();
      }

      @Override
      public void onDelete(T obj, boolean unknownFinalState) {
        queue();
      }
    };
  }

  /** One reconcile for any number of events that arrive while one is queued (a thousand parts at start). */
  private void queue() {
    if (reconcileQueued.compareAndSet(false, true)) {
      worker.execute(() -> {
        reconcileQueued.set(false);
        reconcile();
      });
    }
  }

  private void reconcile() {
    DirectorConfig head = heads.getStore().getByKey(SharedConfig.HEAD);
    DirectorSpec spec;
    String key;
    String source;
    if (head != null && head.getSpec() != null) {
      List<ConfigPartSpec> held = parts.getStore().list().stream().map(DirectorConfigPart::getSpec)
          .filter(Objects::nonNull).toList();
      Optional<SharedConfig.Assembled> shared = SharedConfig.assemble(head.getSpec(), held);
      if (shared.isEmpty()) {
        return; // parts of this generation still on their way
      }
      statusInterval = Duration.ofSeconds(Math.max(0, shared.get().statusIntervalSeconds()));
      key = "shared " + shared.get().generation();
      if (settled(key)) {
        return; // an event of our own (a status write) or a part of a later generation: nothing to build
      }
      try {
        spec = shared.get().forDirector(node);
      } catch (IllegalArgumentException e) {
        if (!key.equals(refused)) {
          LOG.warn("director {}: shared configuration generation {} unreadable, keeps what it runs: {}", node,
              shared.get().generation(), e.getMessage());
          refused = key;
        }
        return;
      }
      source = "the shared configuration";
    } else {
      Optional<DirectorSpec> own = DirectorParts.assemble(legacy.getStore().list().stream()
          .map(Director::getSpec).filter(s -> s != null && s.generation() > 0).toList());
      if (own.isEmpty()) {
        return; // nothing yet, or parts of two generations
      }
      spec = own.get();
      key = "legacy " + spec.generation();
      source = "Director " + node + " (an operator of the previous contract)";
    }
    if (settled(key)) {
      return;
    }
    if (target.apply(spec, source)) {
      applied = key;
      refused = null;
    } else {
      refused = key; // our own status writes would otherwise retry it over and over
    }
    status.report(statusInterval);
  }

  /** True when {@code key} was refused, or is in force with nothing refused since. */
  private boolean settled(String key) {
    return key.equals(refused) || (key.equals(applied) && target.lastRejection() == null);
  }

  @Override
  public void close() {
    worker.shutdownNow();
    lease.close();
    for (SharedIndexInformer<?> i : new SharedIndexInformer<?>[] {heads, parts, legacy}) {
      if (i != null) {
        i.close();
      }
    }
  }
}
