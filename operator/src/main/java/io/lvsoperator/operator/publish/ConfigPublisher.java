package io.lvsoperator.operator.publish;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.lvsoperator.api.v1alpha1.ConfigPartSpec;
import io.lvsoperator.api.v1alpha1.DirectorConfig;
import io.lvsoperator.api.v1alpha1.DirectorConfigPart;
import io.lvsoperator.api.v1alpha1.DirectorConfigSpec;
import io.lvsoperator.api.v1alpha1.DirectorParts;
import io.lvsoperator.api.v1alpha1.DirectorSpec;
import io.lvsoperator.api.v1alpha1.PeerSpec;
import io.lvsoperator.api.v1alpha1.ServiceSpec;
import io.lvsoperator.api.v1alpha1.SharedConfig;
import io.lvsoperator.api.v1alpha1.SharedConfigLayout;
import io.lvsoperator.operator.directors.DirectorRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the shared configuration (docs/architecture.md, "The shared configuration") on a thread
 * of its own: changes that arrive within {@code window} of each other become one publication,
 * which writes the parts that changed and then the head with the next generation. Announce
 * orders are planned here too, from the live directors. At start it takes over the layout it
 * finds, and publishes nothing before every VirtualService was judged once, so an operator
 * restart never hands the directors a configuration missing services it has not looked at yet.
 */
public final class ConfigPublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigPublisher.class);
  /** How long the first publication waits for VirtualServices that fail to reconcile. */
  static final Duration INITIAL_PATIENCE = Duration.ofSeconds(60);
  /** How often the head on the API server is compared with the one written last. */
  static final Duration CHECK_INTERVAL = Duration.ofSeconds(5);
  static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  /**
   * Parts written at once; the head still follows them all. A real API server's writes wait for
   * etcd, and a first publication of 128 parts one at a time would wait out 128 commits in a row.
   * (The scale harness's mock takes writes one at a time under a lock: there it changes nothing.)
   */
  static final int PART_WRITERS = 4;

  /** What a publication changed, for the VirtualServices' status. */
  public interface Listener {
    /**
     * @param changed VirtualServices whose services this generation carries anew (or no more)
     * @param ownerChanged VirtualServices whose VIP got another director
     */
    void published(long generation, Set<String> changed, Set<String> ownerChanged);
  }

  /** The publisher's settings: what every director shares and how it is written. */
  public record Settings(String interfaceName, int maxPartBytes, int standbys, Duration window,
      int servicesPerLegacyObject, int advertisementIntervalMillis, int holdSeconds) {}

  private final KubernetesClient client;
  private final ServiceCatalog catalog;
  private final DirectorRegistry directors;
  private final Settings settings;
  private final Supplier<Set<String>> existingKeys;
  private final Listener listener;
  private final Supplier<BiPredicate<String, String>> mayAnnounce;
  private final AnnouncePlanCache plans = new AnnouncePlanCache();
  private final SharedConfigLayout layout;
  private final Object signal = new Object();
  private boolean pending;
  private volatile boolean running;
  private Thread thread;
  private ExecutorService writers;
  private long generation;
  private volatile DirectorConfigSpec head;
  /** The announce orders as last written, for the reconcilers (the layout is this thread's alone). */
  private volatile Map<String, List<String>> orders = Map.of();
  private final Map<String, String> versions = new HashMap<>();
  private boolean initialDone;
  private long startedNanos;
  private Counter publications;
  private Counter bytesWritten;
  private Counter objectsWritten;
  private Counter failures;
  private volatile long lastPublicationBytes;
  private volatile boolean failing;
  private boolean tooManyPeersLogged;

  /**
   * @param existingKeys the VirtualServices that exist (namespace/name, not being deleted): the
   *     first publication waits until the catalog judged each of them
   */
  public ConfigPublisher(KubernetesClient client, ServiceCatalog catalog, DirectorRegistry directors,
      Settings settings, Supplier<Set<String>> existingKeys, Listener listener) {
    this(client, catalog, directors, settings, existingKeys, listener, () -> AnnouncePlanner.ANYWHERE);
  }

  /** @param mayAnnounce which director may announce which address now (VipPools' nodeSelectors) */
  public ConfigPublisher(KubernetesClient client, ServiceCatalog catalog, DirectorRegistry directors,
      Settings settings, Supplier<Set<String>> existingKeys, Listener listener,
      Supplier<BiPredicate<String, String>> mayAnnounce) {
    this.mayAnnounce = mayAnnounce;
    this.client = client;
    this.catalog = catalog;
    this.directors = directors;
    this.settings = settings;
    this.existingKeys = existingKeys;
    this.listener = listener;
    this.layout = new SharedConfigLayout(settings.maxPartBytes());
  }

  public void bindMetrics(MeterRegistry registry) {
    publications = Counter.builder("lvs.operator.config.publications").description(
        "generations of the shared configuration written").register(registry);
    bytesWritten = Counter.builder("lvs.operator.config.written").baseUnit("bytes").description(
        "bytes of configuration objects written to the API server").register(registry);
    objectsWritten = Counter.builder("lvs.operator.config.objects.written").description(
        "configuration objects written to the API server").register(registry);
    failures = Counter.builder("lvs.operator.config.publication.failures").description(
        "publications that failed and will be retried").register(registry);
    Gauge.builder("lvs.operator.config.generation", this, p -> p.generation).description(
        "generation of the shared configuration last written").register(registry);
    Gauge.builder("lvs.operator.config.parts", layout, SharedConfigLayout::partCount).description(
        "parts the shared configuration is split into").register(registry);
    Gauge.builder("lvs.operator.config.last.publication", this, p -> p.lastPublicationBytes).baseUnit("bytes")
        .description("bytes the last publication wrote").register(registry);
  }

  /** Something changed: publish within the window. */
  public void changed() {
    synchronized (signal) {
      pending = true;
      signal.notifyAll();
    }
  }

  public long generation() {
    return generation;
  }

  /** True while the last publication failed (it is being retried). */
  public boolean failing() {
    return failing;
  }

  /** The director first in line for {@code address} as last written, or null. */
  public String ownerOf(String address) {
    List<String> order = orders.get(address);
    return order == null || order.isEmpty() ? null : order.get(0);
  }

  /** Addresses whose owner, as last written, is one of {@code nodes}. */
  public Set<String> addressesOwnedBy(Set<String> nodes) {
    Set<String> out = new TreeSet<>();
    orders.forEach((a, o) -> {
      if (!o.isEmpty() && nodes.contains(o.get(0))) {
        out.add(a);
      }
    });
    return out;
  }

  /**
   * The generation in which the part holding {@code key} was last written: a directors that
   * applied it has {@code key} as last written (a bound, for changes made before this operator
   * started); null before anything was written.
   */
  public Long revisionHolding(String key) {
    DirectorConfigSpec h = head;
    if (h == null || h.partRevisions().isEmpty()) {
      return null;
    }
    return h.partRevisions().get(SharedConfig.partOf(key, h.partRevisions().size()));
  }

  /** Takes over what the API holds, then publishes from a thread of its own until closed. */
  public void start() {
    adopt();
    running = true;
    startedNanos = System.nanoTime();
    AtomicInteger number = new AtomicInteger();
    writers = Executors.newFixedThreadPool(PART_WRITERS, r -> {
      Thread t = new Thread(r, "config-part-writer-" + number.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    thread = new Thread(this::run, "config-publisher");
    thread.setDaemon(true);
    thread.start();
  }

  private void adopt() {
    DirectorConfig found = client.resources(DirectorConfig.class).withName(SharedConfig.HEAD).get();
    List<DirectorConfigPart> parts = client.resources(DirectorConfigPart.class)
        .withLabel(SharedConfig.PART_LABEL, SharedConfig.HEAD).list().getItems();
    versions.clear();
    parts.forEach(p -> versions.put(p.getMetadata().getName(), p.getMetadata().getResourceVersion()));
    if (found == null || found.getSpec() == null) {
      if (head != null) {
        LOG.warn("shared configuration: its head is gone from the API server; writing it all again");
      }
      head = null;
      layout.reset();
    } else {
      head = found.getSpec();
      versions.put(SharedConfig.HEAD, found.getMetadata().getResourceVersion());
      generation = Math.max(generation, head.generation());
      layout.adopt(head, parts.stream().map(DirectorConfigPart::getSpec).filter(Objects::nonNull).toList());
      SharedConfig.assemble(head, parts.stream().map(DirectorConfigPart::getSpec).filter(Objects::nonNull).toList())
          .ifPresent(a -> {
            a.announce().forEach(layout::putAnnounce);
            orders = Map.copyOf(a.announce());
          });
      LOG.info("shared configuration: took over generation {} in {} parts", head.generation(),
          head.partRevisions().size());
    }
  }

  private void run() {
    long lastCheck = System.nanoTime();
    while (running) {
      try {
        synchronized (signal) {
          if (!pending) {
            signal.wait(1000);
          }
        }
        if (!initialReady()) {
          continue;
        }
        if (System.nanoTime() - lastCheck > CHECK_INTERVAL.toNanos()) {
          lastCheck = System.nanoTime();
          checkHead();
        }
        Thread.sleep(settings.window().toMillis()); // let the changes of this moment join
        synchronized (signal) {
          pending = false;
        }
        publishOnce();
        failing = false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (KubernetesClientException e) {
        failing = true;
        if (failures != null) {
          failures.increment();
        }
        LOG.warn("shared configuration: generation {} not written ({}); retrying", generation + 1, e.getMessage());
        pauseAndReadAgain();
      } catch (RuntimeException e) {
        failing = true;
        if (failures != null) {
          failures.increment();
        }
        LOG.error("shared configuration: publication failed; retrying", e);
        pauseAndReadAgain();
      }
    }
  }

  /**
   * The head as the API holds it is the one last written, or everything is taken over again: an
   * API server that lost its objects, or a head deleted by hand, gets the configuration back.
   */
  private void checkHead() {
    String version = versions.get(SharedConfig.HEAD);
    if (version == null) {
      return;
    }
    DirectorConfig found = client.resources(DirectorConfig.class).withName(SharedConfig.HEAD).get();
    if (found == null || !version.equals(found.getMetadata().getResourceVersion())) {
      LOG.warn("shared configuration: the head on the API server is not the one written last; taking it over again");
      adopt();
      changed();
    }
  }

  private void pauseAndReadAgain() {
    try {
      Thread.sleep(1000);
      adopt();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warn("shared configuration: cannot read it back ({})", e.getMessage());
    }
    changed();
  }

  private boolean initialReady() {
    if (initialDone) {
      return true;
    }
    Set<String> waiting = new TreeSet<>(existingKeys.get());
    waiting.removeIf(catalog::judged);
    boolean patient = System.nanoTime() - startedNanos < INITIAL_PATIENCE.toNanos();
    if (!waiting.isEmpty() && patient) {
      return false;
    }
    if (!waiting.isEmpty()) {
      LOG.warn("shared configuration: publishing without {} VirtualService(s) not judged after {} s, e.g. {}",
          waiting.size(), INITIAL_PATIENCE.toSeconds(), waiting.iterator().next());
    } else {
      LOG.info("shared configuration: every VirtualService judged after {} ms; publishing",
          (System.nanoTime() - startedNanos) / 1_000_000);
    }
    initialDone = true;
    changed();
    return true;
  }

  /** One publication: what changed since the last, planned, written parts first. */
  void publishOnce() {
    Set<String> changed = catalog.drainChanged();
    try {
      for (String key : changed) {
        ServiceCatalog.Entry e = catalog.get(key);
        if (e == null) {
          layout.removeServices(key);
        } else {
          layout.putServices(key, e.services());
        }
      }
      Map<String, List<String>> before = layout.announce();
      Map<String, List<String>> planned = plans.plan(catalog.all(), directors.live(), before,
          settings.standbys(), mayAnnounce.get());
      Set<String> moved = new TreeSet<>();
      for (String address : before.keySet()) {
        if (!planned.containsKey(address)) {
          layout.removeAnnounce(address);
        }
      }
      planned.forEach((address, order) -> {
        List<String> was = before.getOrDefault(address, List.of());
        if (!Objects.equals(was.isEmpty() ? null : was.get(0), order.isEmpty() ? null : order.get(0))) {
          moved.add(address);
        }
        layout.putAnnounce(address, order);
      });
      int interval = statusInterval();
      List<PeerSpec> peers = peers();
      boolean headChanged = head == null || !Objects.equals(head.interfaceName(), settings.interfaceName())
          || head.statusIntervalSeconds() != interval || !head.peers().equals(peers)
          || head.advertisementIntervalMillis() != settings.advertisementIntervalMillis()
          || head.holdSeconds() != settings.holdSeconds();
      if (!layout.dirty() && !headChanged) {
        writeLegacy(generation);
        return;
      }
      long next = generation + 1;
      long planning = System.nanoTime();
      SharedConfigLayout.Publication p = layout.publish(next);
      long writing = System.nanoTime();
      long bytes = writeParts(p.parts());
      DirectorConfigSpec nextHead = new DirectorConfigSpec(next, settings.interfaceName(), null, p.partRevisions(),
          interval, peers, settings.advertisementIntervalMillis(), settings.holdSeconds());
      bytes += writeHead(nextHead);
      layout.written(p);
      head = nextHead;
      this.orders = Map.copyOf(layout.announce());
      generation = next;
      deleteUnusedParts(p.partRevisions().size());
      bytes += writeLegacy(next);
      lastPublicationBytes = bytes;
      if (publications != null) {
        publications.increment();
        bytesWritten.increment(bytes);
        objectsWritten.increment(p.parts().size() + 1);
      }
      LOG.info("shared configuration: generation {} written: {} of {} parts{}, {} bytes, {} VirtualService(s) changed,"
          + " {} address(es) moved; planned in {} ms, written in {} ms", next, p.parts().size(),
          p.partRevisions().size(), p.resized() ? " (resized)" : "", bytes, changed.size(), moved.size(),
          (writing - planning) / 1_000_000, (System.nanoTime() - writing) / 1_000_000);
      listener.published(next, changed, catalog.usersOf(moved));
    } catch (RuntimeException e) {
      // nothing of it is lost: the changed keys are handed back for the next try
      changed.forEach(k -> catalog.touch(k));
      throw e;
    }
  }

  /**
   * The directors as their peers know them on the network: every known director that reports
   * its address, with a router ID it keeps while it is known (docs/architecture.md, "Director
   * liveness").
   */
  private List<PeerSpec> peers() {
    Map<String, String> addresses = new TreeMap<>();
    for (String node : directors.known()) {
      io.lvsoperator.api.v1alpha1.Director d = directors.director(node);
      if (d != null && d.getStatus() != null && d.getStatus().getAddress() != null) {
        addresses.put(node, d.getStatus().getAddress());
      }
    }
    Map<String, Integer> before = new HashMap<>();
    if (head != null) {
      head.peers().forEach(p -> before.put(p.name(), p.routerId()));
    }
    Map<String, Integer> ids = RouterIds.assign(before, addresses.keySet());
    if (ids.size() < addresses.size() && !tooManyPeersLogged) {
      LOG.warn("shared configuration: {} directors, but VRRP has {} router IDs; the rest take no address over by"
          + " themselves", addresses.size(), RouterIds.MAX);
      tooManyPeersLogged = true;
    }
    List<PeerSpec> out = new ArrayList<>();
    ids.forEach((node, id) -> out.add(new PeerSpec(node, addresses.get(node), id)));
    return out;
  }

  /** Least seconds between two status writes of a director: one, and one more per 20 directors. */
  private int statusInterval() {
    return 1 + directors.known().size() / 20;
  }

  /**
   * Writes {@code parts}, {@link #PART_WRITERS} at a time, and waits for all of them; the first
   * failure is thrown once every write ended, so the versions of those that went through are kept.
   */
  private long writeParts(List<ConfigPartSpec> parts) {
    if (writers == null || parts.size() < 2) {
      long bytes = 0;
      for (ConfigPartSpec part : parts) {
        bytes += record(writePart(part, versions.get(SharedConfig.partName(part.index()))));
      }
      return bytes;
    }
    List<Future<WrittenPart>> pending = new ArrayList<>();
    for (ConfigPartSpec part : parts) {
      String version = versions.get(SharedConfig.partName(part.index()));
      pending.add(writers.submit(() -> writePart(part, version)));
    }
    long bytes = 0;
    RuntimeException first = null;
    for (Future<WrittenPart> f : pending) {
      try {
        bytes += record(f.get());
      } catch (ExecutionException e) {
        if (first == null) {
          first = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        pending.forEach(x -> x.cancel(true));
        throw new IllegalStateException("interrupted while writing the shared configuration", e);
      }
    }
    if (first != null) {
      throw first;
    }
    return bytes;
  }

  /** A part as written: its name, the version the API gave it, and the bytes sent. */
  private record WrittenPart(String name, String version, long bytes) {}

  /** Keeps the written part's version for its next update; returns the bytes sent. */
  private long record(WrittenPart written) {
    versions.put(written.name(), written.version());
    return written.bytes();
  }

  /** Creates the part, or updates it from {@code version}. */
  private WrittenPart writePart(ConfigPartSpec part, String version) {
    DirectorConfigPart object = new DirectorConfigPart();
    String name = SharedConfig.partName(part.index());
    object.setMetadata(new ObjectMetaBuilder().withName(name).addToLabels(SharedConfig.PART_LABEL, SharedConfig.HEAD)
        .addToLabels(MANAGED_BY, "lvs-operator").withResourceVersion(version).build());
    object.setSpec(part);
    DirectorConfigPart written = version != null
        ? client.resources(DirectorConfigPart.class).resource(object).update()
        : client.resources(DirectorConfigPart.class).resource(object).create();
    return new WrittenPart(name, written.getMetadata().getResourceVersion(), DirectorParts.encodedSize(object));
  }

  private long writeHead(DirectorConfigSpec spec) {
    DirectorConfig object = new DirectorConfig();
    object.setMetadata(new ObjectMetaBuilder().withName(SharedConfig.HEAD).addToLabels(MANAGED_BY, "lvs-operator")
        .withResourceVersion(versions.get(SharedConfig.HEAD)).build());
    object.setSpec(spec);
    DirectorConfig written = versions.containsKey(SharedConfig.HEAD)
        ? client.resources(DirectorConfig.class).resource(object).update()
        : client.resources(DirectorConfig.class).resource(object).create();
    versions.put(SharedConfig.HEAD, written.getMetadata().getResourceVersion());
    return DirectorParts.encodedSize(object);
  }

  /** Parts past the count, left from a larger layout: the head no longer names them. */
  private void deleteUnusedParts(int count) {
    for (String name : new ArrayList<>(versions.keySet())) {
      if (!name.startsWith(SharedConfig.HEAD + "-")) {
        continue;
      }
      int index = Integer.parseInt(name.substring(SharedConfig.HEAD.length() + 1));
      if (index >= count) {
        client.resources(DirectorConfigPart.class).withName(name).delete();
        versions.remove(name);
      }
    }
  }

  /** The previous contract's objects for nodes that still run it; returns the bytes written. */
  private long writeLegacy(long at) {
    Set<String> legacy = directors.legacyNodes();
    boolean leftovers = directors.directors().stream().anyMatch(d -> d.getMetadata().getLabels() != null
        && "lvs-operator".equals(d.getMetadata().getLabels().get(MANAGED_BY)));
    if (legacy.isEmpty() && !leftovers) {
      return 0;
    }
    List<ServiceSpec> services = new ArrayList<>();
    new TreeMap<>(Map.copyOf(catalogByKey())).values().forEach(services::addAll);
    Map<String, List<String>> announce = layout.announce();
    Map<String, DirectorSpec> desired = new TreeMap<>();
    for (String node : legacy) {
      List<String> vips = announce.entrySet().stream().filter(e -> !e.getValue().isEmpty()
          && e.getValue().get(0).equals(node)).map(Map.Entry::getKey).sorted().toList();
      desired.put(node, new DirectorSpec(0L, settings.interfaceName(), List.of(), vips, List.of(), services, null));
    }
    List<io.lvsoperator.api.v1alpha1.Director> before = directors.directors();
    List<io.lvsoperator.api.v1alpha1.Director> after = LegacyDirectorWriter.apply(client, desired, before,
        settings.servicesPerLegacyObject(), at);
    return after.stream().filter(d -> !before.contains(d)).mapToLong(DirectorParts::encodedSize).sum();
  }

  private Map<String, List<ServiceSpec>> catalogByKey() {
    Map<String, List<ServiceSpec>> out = new HashMap<>();
    catalog.all().forEach(e -> out.put(e.key(), e.services()));
    return out;
  }

  @Override
  public void close() {
    running = false;
    if (thread != null) {
      thread.interrupt();
    }
    if (writers != null) {
      writers.shutdownNow();
    }
  }
}
