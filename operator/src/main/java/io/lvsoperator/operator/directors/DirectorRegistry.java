package io.lvsoperator.operator.directors;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.lvsoperator.api.v1alpha1.Director;
import io.lvsoperator.api.v1alpha1.DirectorLeases;
import io.lvsoperator.api.v1alpha1.SharedConfig;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which directors there are and which may announce VIPs: a node is live when its dataplane's
 * Lease is current and its Director reports Ready (forwarding with a configuration, link up). A
 * ready dataplane pod with neither a Lease nor the contract label runs the previous version: it is
 * live by its pod's readiness, and gets its own Director objects ({@link #legacyNodes}). Checks
 * Lease expiry every second (expiry makes no event) and tells its listener what changed.
 */
public final class DirectorRegistry implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DirectorRegistry.class);

  /** What the registry tells: the live set changed, or a Director's status did. */
  public interface Listener {
    void liveChanged(Set<String> before, Set<String> now);

    void statusChanged(String node, Director before, Director now);
  }

  private final KubernetesClient client;
  private final String namespace;
  private final String podSelector;
  private final Clock clock;
  private final LeaseClock leases = new LeaseClock();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "director-registry");
    t.setDaemon(true);
    return t;
  });
  private volatile Listener listener;
  private SharedIndexInformer<Lease> leaseInformer;
  private SharedIndexInformer<Director> directorInformer;
  private SharedIndexInformer<Pod> podInformer;
  private Set<String> live = Set.of();
  private final Map<String, Announced> announced = new java.util.concurrent.ConcurrentHashMap<>();

  public DirectorRegistry(KubernetesClient client, String namespace, String podSelector, Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.podSelector = podSelector;
    this.clock = clock;
  }

  public void listen(Listener l) {
    this.listener = l;
  }

  /** Starts the watches and waits until they hold what the API has. */
  public void start() {
    leaseInformer = watch(client.leases().inNamespace(namespace).withLabel(DirectorLeases.NODE_LABEL)
        .runnableInformer(0), handler(l -> nodeOfLease(l), (before, now) -> {
          leases.observe(nodeOfLease(now), now, clock.instant());
          return false;
        }, l -> leases.forget(nodeOfLease(l))));
    directorInformer = watch(client.resources(Director.class).runnableInformer(0), handler(d -> d.getMetadata().getName(),
        (before, now) -> {
          Listener l = listener;
          if (l != null && before != null) {
            l.statusChanged(now.getMetadata().getName(), before, now);
          }
          return true;
        }, d -> {}));
    podInformer = watch(client.pods().inNamespace(namespace).withLabelSelector(podSelector).runnableInformer(0),
        handler(p -> p.getMetadata().getName(), (before, now) -> true, p -> {}));
    leaseInformer.getStore().list().forEach(l -> leases.observe(nodeOfLease(l), l, clock.instant()));
    live = computeLive();
    timer.scheduleWithFixedDelay(() -> {
      try {
        recheck();
      } catch (RuntimeException e) {
        // a failed look must not end the checks (an exception would cancel the schedule)
        LOG.error("directors: liveness check failed; next one in a second", e);
      }
    }, 1, 1, TimeUnit.SECONDS);
    LOG.info("directors: {} live ({}), {} of the previous contract", live.size(), live, legacyNodes().size());
  }

  private static String nodeOfLease(Lease l) {
    Map<String, String> labels = l.getMetadata().getLabels();
    return labels == null ? l.getMetadata().getName() : labels.getOrDefault(DirectorLeases.NODE_LABEL,
        l.getMetadata().getName());
  }

  /**
   * Starts {@code informer} and waits until it holds what the API has. Once started it retries
   * every failure (fabric8's backoff, a warning each time): by default it stops for good on an
   * object it cannot decode, and the operator would miss every director from then on. A failure
   * before that still fails the start, as the operator's own informers do.
   */
  private static <T> SharedIndexInformer<T> watch(SharedIndexInformer<T> informer, ResourceEventHandler<T> handler) {
    informer.exceptionHandler((started, error) -> started);
    informer.addEventHandler(handler);
    informer.run();
    return informer;
  }

  /**
   * @param changed called on add (before null) and update; true when liveness may have moved
   */
  private <T> ResourceEventHandler<T> handler(Function<T, String> name,
      java.util.function.BiFunction<T, T, Boolean> changed, java.util.function.Consumer<T> deleted) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        if (changed.apply(null, obj)) {
          recheck();
        }
      }

      @Override
      public void onUpdate(T before, T now) {
        if (changed.apply(before, now)) {
          recheck();
        }
      }

      @Override
      public void onDelete(T obj, boolean unknown) {
        deleted.accept(obj);
        recheck();
      }
    };
  }

  private synchronized void recheck() {
    if (leaseInformer == null || directorInformer == null || podInformer == null) {
      return; // still starting: start() computes the first live set
    }
    Set<String> now = computeLive();
    if (now.equals(live)) {
      return;
    }
    Set<String> before = live;
    live = now;
    Set<String> gone = new TreeSet<>(before);
    gone.removeAll(now);
    Set<String> joined = new TreeSet<>(now);
    joined.removeAll(before);
    LOG.info("directors: {} live{}{}", now.size(), joined.isEmpty() ? "" : ", joined " + joined,
        gone.isEmpty() ? "" : ", gone " + gone);
    Listener l = listener;
    if (l != null) {
      l.liveChanged(before, now);
    }
  }

  private Set<String> computeLive() {
    Set<String> out = new TreeSet<>();
    for (String node : leases.current(clock.instant())) {
      Director d = director(node);
      if (d != null && ready(d)) {
        out.add(node);
      }
    }
    out.addAll(legacyNodes());
    return out;
  }

  static boolean ready(Director d) {
    return d.getStatus() != null && d.getStatus().getConditions() != null && d.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** Nodes whose dataplane runs the previous version: a ready pod, no contract label, no Lease. */
  public Set<String> legacyNodes() {
    if (podInformer == null) {
      return Set.of();
    }
    Map<String, Boolean> nodes = new HashMap<>();
    for (Pod p : podInformer.getStore().list()) {
      String node = p.getSpec() == null ? null : p.getSpec().getNodeName();
      if (node == null || node.isBlank() || p.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      boolean shared = p.getMetadata().getLabels() != null
          && SharedConfig.CONTRACT.equals(p.getMetadata().getLabels().get(SharedConfig.CONTRACT_LABEL));
      boolean ready = p.getStatus() != null && p.getStatus().getConditions() != null
          && p.getStatus().getConditions().stream()
              .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
      if (!shared && !leases.holds(node)) {
        nodes.merge(node, ready, Boolean::logicalOr);
      }
    }
    return nodes.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  public synchronized Set<String> live() {
    return live;
  }

  /**
   * What the metrics call known: nodes with a dataplane pod (ready or not) and nodes whose Lease
   * is current. A node gone with its pod is not known, though its expired Lease stays behind.
   */
  public Set<String> known() {
    Set<String> out = new TreeSet<>(leases.current(clock.instant()));
    if (podInformer != null) {
      for (Pod p : podInformer.getStore().list()) {
        if (p.getSpec() != null && p.getSpec().getNodeName() != null && !p.getSpec().getNodeName().isBlank()) {
          out.add(p.getSpec().getNodeName());
        }
      }
    }
    return out;
  }

  /**
   * The live director that reports announcing {@code address} in its status (they decide among
   * themselves, docs/architecture.md "Director liveness"), the first by name should two report
   * it for a moment; null when none does (no failover, or no report yet).
   */
  public String announcerOf(String address) {
    for (String node : live()) {
      Director d = director(node);
      if (d == null || d.getStatus() == null || d.getStatus().getAnnounced() == null) {
        continue;
      }
      Announced a = announced.get(node);
      if (a == null || a.source() != d) {
        // one set per status the informer holds, not one per question
        a = new Announced(d, Set.copyOf(d.getStatus().getAnnounced()));
        announced.put(node, a);
      }
      if (a.addresses().contains(address)) {
        return node;
      }
    }
    return null;
  }

  private record Announced(Director source, Set<String> addresses) {}

  public Director director(String node) {
    return directorInformer == null ? null : directorInformer.getStore().getByKey(node);
  }

  public List<Director> directors() {
    return directorInformer == null ? List.of() : directorInformer.getStore().list();
  }

  /**
   * The shared generation each live director of the current contract reports applied (absent:
   * none yet). Directors of the previous contract count generations of their own and are left out.
   */
  public Map<String, Long> applied() {
    Map<String, Long> out = new HashMap<>();
    Set<String> legacy = legacyNodes();
    for (String node : live()) {
      if (legacy.contains(node)) {
        continue;
      }
      Director d = director(node);
      if (d != null && d.getStatus() != null && d.getStatus().getAppliedGeneration() != null) {
        out.put(node, d.getStatus().getAppliedGeneration());
      }
    }
    return out;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    for (SharedIndexInformer<?> i : new SharedIndexInformer<?>[] {leaseInformer, directorInformer, podInformer}) {
      if (i != null) {
        i.close();
      }
    }
  }
}
