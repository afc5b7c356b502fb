package io.lvsoperator.operator.reconciler;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.lvsoperator.api.v1alpha1.Director;
import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.api.v1alpha1.RealServerStatus;
import io.lvsoperator.api.v1alpha1.VipPool;
import io.lvsoperator.api.v1alpha1.VirtualService;
import io.lvsoperator.api.v1alpha1.VirtualServiceStatus;
import io.lvsoperator.operator.OperatorOptions;
import io.lvsoperator.operator.admission.Admission;
import io.lvsoperator.operator.admission.ClaimIndex;
import io.lvsoperator.operator.directors.DirectorRegistry;
import io.lvsoperator.operator.event.EventRecorder;
import io.lvsoperator.operator.event.Reason;
import io.lvsoperator.operator.pools.AddressAllocator;
import io.lvsoperator.operator.pools.PoolBook;
import io.lvsoperator.operator.pools.VipResolver;
import io.lvsoperator.operator.publish.AnnouncePlanner;
import io.lvsoperator.operator.publish.ConfigPublisher;
import io.lvsoperator.operator.publish.ServiceCatalog;
import io.lvsoperator.operator.render.BackendResolver;
import io.lvsoperator.operator.status.Conditions;
import io.lvsoperator.operator.status.VirtualServiceStatusBuilder;
import io.lvsoperator.operator.status.VirtualServiceStatusBuilder.Programming;
import io.lvsoperator.operator.validation.ReservedAddresses;
import io.lvsoperator.operator.validation.VirtualServiceValidator;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiPredicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One VirtualService at a time (docs/architecture.md, "The operator"): validates it, claims its
 * VIP:ports in the {@link ClaimIndex}, hands its services to the {@link ServiceCatalog} (the
 * {@link ConfigPublisher} writes them into the shared configuration within its window), and
 * writes its status. Invalid input becomes a condition, not a retry; API errors are thrown and
 * retried by the framework. A change not yet applied by the directors gets its status when they
 * catch up (or after {@link #PENDING_GRACE}), so a change that goes through quickly costs one
 * status write, not two. No finalizer (one more write per VirtualService, ten thousand at once
 * at scale): what was deleted is found by {@link #sweep}, every second, against the cache.
 */
@ControllerConfiguration(name = "virtualservice")
public final class VirtualServiceReconciler implements Reconciler<VirtualService> {
  private static final Logger LOG = LoggerFactory.getLogger(VirtualServiceReconciler.class);
  /** How long a change may wait for the directors before its status says Pending. */
  static final Duration PENDING_GRACE = Duration.ofSeconds(2);
  static final Duration PENDING_RECHECK = Duration.ofSeconds(10);
  /**
   * How long a change may wait to be written into the shared configuration before status says so,
   * while the publisher is not failing (ten thousand VirtualServices take a while on a slow API
   * server; status writes meanwhile would only slow it further).
   */
  static final Duration UNPUBLISHED_PATIENCE = Duration.ofMinutes(5);
  /** The finalizer earlier versions put on every VirtualService. */
  static final String OLD_FINALIZER = "virtualservices.lvsoperator.io/finalizer";

  private final OperatorOptions options;
  private final Clock clock;
  private final KubernetesClient client;
  private final ServiceCatalog catalog;
  private final ClaimIndex claims;
  private final AddressAllocator allocator;
  private final ProgrammingTracker tracker = new ProgrammingTracker();
  private final DirectorRegistry registry;
  private final ConfigPublisher publisher;
  private final ControlPlane controlPlane;
  private final AtomicBoolean seeded = new AtomicBoolean();
  /** The VirtualServices that exist, from the primary cache once the framework hands it over. */
  private volatile Supplier<Set<String>> existingKeys = Set::of;
  private volatile IndexedResourceCache<VirtualService> primaryCache;
  private volatile ReservedAddresses reserved;
  private volatile PoolBook pools;
  private InformerEventSource<EndpointSlice, VirtualService> slices;
  private InformerEventSource<Node, VirtualService> nodes;
  private InformerEventSource<VipPool, VirtualService> poolSource;
  private InformerEventSource<Namespace, VirtualService> namespaces;
  /** namespace/name -> its Ready condition status, for the metrics. */
  private final Map<String, String> readiness = new ConcurrentHashMap<>();
  /** namespace/name -> since when its latest change waits for the directors. */
  private final Map<String, Instant> pendingSince = new ConcurrentHashMap<>();
  /** The first director of each VirtualService's order when it was last reconciled: who moved a VIP. */
  private final Map<String, String> orderFirst = new ConcurrentHashMap<>();
  /** VirtualServices refused because their pools were full: tried again when an address is freed. */
  private final Set<String> exhausted = ConcurrentHashMap.newKeySet();

  public VirtualServiceReconciler(KubernetesClient client, OperatorOptions options, Clock clock) {
    this.client = client;
    this.options = options;
    this.clock = clock;
    this.registry = new DirectorRegistry(client, options.dataplaneNamespace(), options.dataplaneSelector(), clock);
    // the parts call each other once built: the catalog wakes the publisher, freed claims and
    // publications reconcile VirtualServices through the control plane
    this.catalog = new ServiceCatalog(this::catalogChanged);
    this.claims = new ClaimIndex(this::claimsFreed);
    this.allocator = new AddressAllocator(claims);
    this.publisher = new ConfigPublisher(client, catalog, registry, new ConfigPublisher.Settings(
        options.interfaceName(), options.maxPartBytes(), options.standbys(), options.publishWindow(),
        options.servicesPerDirectorObject(), options.advertisementIntervalMillis(), options.holdSeconds()),
        this::existingKeys, this::published, this::mayAnnounce);
    this.controlPlane = new ControlPlane(registry, publisher, catalog, tracker, this::sweep);
  }

  private void catalogChanged() {
    publisher.changed();
  }

  private void claimsFreed(Collection<String> keys) {
    controlPlane.reconcile(keys);
  }

  private void published(long generation, Set<String> changed, Set<String> moved) {
    controlPlane.published(generation, changed, moved);
  }

  private Set<String> existingKeys() {
    return existingKeys.get();
  }

  /** The addresses assigned from pools and claimed: what a VipPool's status counts. */
  public AddressAllocator allocator() {
    return allocator;
  }

  /** The cluster's own addresses, which no pool may hold; null until the nodes are listed. */
  public ReservedAddresses reservedAddresses() {
    return nodes == null || !nodes.isRunning() ? null : reserved();
  }

  /** Gauges: VirtualServices by Ready status, directors known and live; the publisher's counters. */
  public void bindMetrics(MeterRegistry meters) {
    for (String status : List.of("True", "False", "Unknown")) {
      Gauge.builder("lvs.operator.virtualservices", readiness,
              m -> m.values().stream().filter(status::equals).count())
          .tag("condition", "Ready").tag("status", status)
          .description("VirtualServices by their Ready condition").register(meters);
    }
    Gauge.builder("lvs.operator.directors", registry, r -> r.known().size()).tag("state", "known")
        .description("directors holding a Lease, and dataplane pods of the previous version").register(meters);
    Gauge.builder("lvs.operator.directors", registry, r -> r.live().size()).tag("state", "ready")
        .description("directors that may announce VIPs: Lease current and Ready").register(meters);
    publisher.bindMetrics(meters);
  }

  static String key(VirtualService vs) {
    return vs.getMetadata().getNamespace() + "/" + vs.getMetadata().getName();
  }

  @Override
  public List<EventSource<?, VirtualService>> prepareEventSources(EventSourceContext<VirtualService> context) {
    primaryCache = context.getPrimaryCache();
    existingKeys = () -> context.getPrimaryCache().list(v -> v.getMetadata().getDeletionTimestamp() == null)
        .map(VirtualServiceReconciler::key).collect(Collectors.toSet());
    slices = new InformerEventSource<>(InformerEventSourceConfiguration.from(EndpointSlice.class, VirtualService.class)
        .withName("endpointslices")
        .withSecondaryToPrimaryMapper(slice -> context.getPrimaryCache()
            .list(vs -> Objects.equals(vs.getMetadata().getNamespace(), slice.getMetadata().getNamespace())
                && vs.getSpec() != null && vs.getSpec().getService() != null
                && slice.getMetadata().getLabels() != null
                && Objects.equals(vs.getSpec().getService().name(),
                    slice.getMetadata().getLabels().get(BackendResolver.SERVICE_NAME_LABEL)))
            .map(ResourceID::fromResource).collect(Collectors.toSet()))
        .build(), context);
    // node addresses and pod ranges are off limits to tenants: a rare change that concerns everyone
    nodes = new InformerEventSource<>(InformerEventSourceConfiguration.from(Node.class, VirtualService.class)
        .withName("nodes")
        .withSecondaryToPrimaryMapper(node -> {
          reserved = null;
          pools = null;
          publisher.changed(); // its labels may let it announce other pools' addresses
          return context.getPrimaryCache().list().map(ResourceID::fromResource).collect(Collectors.toSet());
        })
        .withOnUpdateFilter((now, before) -> !Objects.equals(ReservedAddresses.of(List.of(now), List.of()),
            ReservedAddresses.of(List.of(before), List.of()))
            || !Objects.equals(now.getMetadata().getLabels(), before.getMetadata().getLabels()))
        .build(), context);
    // a pool's change may allow or refuse any VirtualService's address: rare, and it concerns everyone
    poolSource = new InformerEventSource<>(InformerEventSourceConfiguration.from(VipPool.class, VirtualService.class)
        .withName("vippools")
        .withSecondaryToPrimaryMapper(pool -> {
          pools = null;
          publisher.changed(); // the nodes that may announce an address may have changed
          return context.getPrimaryCache().list().map(ResourceID::fromResource).collect(Collectors.toSet());
        })
        // the spec only: the pools' status is rewritten as addresses are taken, which concerns nobody
        .withOnUpdateFilter((now, before) -> !Serialization.asJson(now.getSpec()).equals(
            Serialization.asJson(before.getSpec())))
        .build(), context);
    // a namespace's labels decide which pools its VirtualServices may use
    namespaces = new InformerEventSource<>(InformerEventSourceConfiguration.from(Namespace.class, VirtualService.class)
        .withName("namespaces")
        .withSecondaryToPrimaryMapper(ns -> context.getPrimaryCache()
            .list(vs -> ns.getMetadata().getName().equals(vs.getMetadata().getNamespace()))
            .map(ResourceID::fromResource).collect(Collectors.toSet()))
        .withOnUpdateFilter((now, before) -> !Objects.equals(now.getMetadata().getLabels(),
            before.getMetadata().getLabels()))
        .build(), context);
    return List.of(slices, nodes, poolSource, namespaces, controlPlane);
  }

  /** Which director may announce which address: the pools' nodeSelectors against the Nodes' labels. */
  private BiPredicate<String, String> mayAnnounce() {
    PoolBook book = poolSource == null ? PoolBook.EMPTY : pools();
    if (book.pools().stream().noneMatch(p -> p.accepted() && p.spec().getNodeSelector() != null)) {
      return AnnouncePlanner.ANYWHERE;
    }
    Map<String, Map<String, String>> labels = new java.util.HashMap<>();
    return (address, node) -> !Ipv4.isValid(address) || book.mayAnnounce(Ipv4.parse(address),
        labels.computeIfAbsent(node, n -> nodes.get(new ResourceID(n)).map(x -> x.getMetadata().getLabels())
            .filter(Objects::nonNull).orElse(Map.of())));
  }

  private PoolBook pools() {
    PoolBook b = pools;
    if (b == null) {
      b = PoolBook.of(poolSource.list().toList(), reserved());
      pools = b;
    }
    return b;
  }

  private Map<String, String> namespaceLabels(String namespace) {
    return namespaces.get(new ResourceID(namespace)).map(n -> n.getMetadata().getLabels())
        .filter(Objects::nonNull).orElse(Map.of());
  }

  private ReservedAddresses reserved() {
    ReservedAddresses r = reserved;
    if (r == null) {
      r = ReservedAddresses.of(nodes.list().toList(), options.reservedCidrs());
      reserved = r;
    }
    return r;
  }

  /** Once, before the first admission: who held what, from every VirtualService's status. */
  private void seed(Context<VirtualService> context) {
    if (!seeded.compareAndSet(false, true)) {
      return;
    }
    List<VirtualService> existing = context.getPrimaryCache()
        .list(v -> v.getMetadata().getDeletionTimestamp() == null).toList();
    List<ClaimIndex.Claimant> all = existing.stream()
        .map(v -> {
          boolean valid = VirtualServiceValidator.validate(v.getSpec()).isEmpty();
          // one whose address was assigned asks for that address again
          String vip = v.getSpec() == null || v.getSpec().getVip() != null || v.getStatus() == null ? null
              : v.getStatus().getVip();
          VirtualService asking = vip == null ? v : withVip(v, vip);
          boolean asks = valid && asking.getSpec().getVip() != null;
          return new ClaimIndex.Claimant(key(v), String.valueOf(v.getMetadata().getCreationTimestamp()),
              v.getStatus() == null || v.getStatus().getClaims() == null ? List.of() : v.getStatus().getClaims(),
              asks ? Admission.claimsOf(asking) : List.of(), valid);
        }).toList();
    claims.seed(all);
    existing.stream()
        .filter(v -> v.getSpec() != null && v.getSpec().getVip() == null && v.getStatus() != null
            && Ipv4.isValid(v.getStatus().getVip()))
        .sorted(java.util.Comparator.comparing((VirtualService v) -> String.valueOf(v.getMetadata().getCreationTimestamp()))
            .thenComparing(VirtualServiceReconciler::key))
        .forEach(v -> allocator.seed(key(v), Ipv4.parse(v.getStatus().getVip())));
    LOG.info("claims: {} VIP:port(s) held by {} VirtualService(s)", claims.size(), all.size());
  }

  /**
   * VirtualServices that are gone (or being deleted) leave the catalog and free their claims.
   * Those that an earlier version of the operator gave a finalizer get it removed when they are
   * deleted, or their deletion would never finish.
   */
  void sweep() {
    var cache = primaryCache;
    if (cache == null) {
      return;
    }
    Set<String> existing = new HashSet<>();
    cache.list().forEach(v -> {
      if (v.getMetadata().getDeletionTimestamp() == null) {
        existing.add(key(v));
      } else if (v.getMetadata().getFinalizers() != null
          && v.getMetadata().getFinalizers().contains(OLD_FINALIZER)) {
        removeOldFinalizer(v);
      }
    });
    Set<String> gone = new TreeSet<>(readiness.keySet());
    gone.addAll(claims.holders());
    catalog.all().forEach(e -> gone.add(e.key()));
    gone.removeAll(existing);
    for (String key : gone) {
      catalog.deleted(key);
      claims.release(key);
      allocator.release(key);
      tracker.forget(key);
      readiness.remove(key);
      pendingSince.remove(key);
      orderFirst.remove(key);
      LOG.info("virtualservice {} deleted: removed from the shared configuration", key);
    }
    exhausted.removeAll(gone);
    if (!gone.isEmpty() && !exhausted.isEmpty()) {
      controlPlane.reconcile(List.copyOf(exhausted));
    }
  }

  private void removeOldFinalizer(VirtualService v) {
    List<String> finalizers = v.getMetadata().getFinalizers();
    int index = finalizers.indexOf(OLD_FINALIZER);
    try {
      client.resources(VirtualService.class).inNamespace(v.getMetadata().getNamespace())
          .withName(v.getMetadata().getName()).patch(PatchContext.of(PatchType.JSON), "[{\"op\": \"test\", \"path\": "
              + "\"/metadata/finalizers/" + index + "\", \"value\": \"" + OLD_FINALIZER + "\"}, {\"op\": \"remove\", "
              + "\"path\": \"/metadata/finalizers/" + index + "\"}]");
      LOG.info("virtualservice {}: finalizer of an earlier version removed", key(v));
    } catch (RuntimeException e) {
      LOG.warn("virtualservice {}: cannot remove the finalizer {} ({})", key(v), OLD_FINALIZER, e.getMessage());
    }
  }

  /** {@code vs} as if it named {@code vip}: what admission, claims and rendering see. */
  static VirtualService withVip(VirtualService vs, String vip) {
    VirtualService copy = new VirtualService();
    copy.setMetadata(vs.getMetadata());
    copy.setSpec(vs.getSpec().withVip(vip));
    copy.setStatus(vs.getStatus());
    return copy;
  }

  @Override
  public UpdateControl<VirtualService> reconcile(VirtualService asked, Context<VirtualService> context) {
    seed(context);
    String key = key(asked);
    // the address first (an invalid spec takes none from a pool), then the whole VirtualService
    // as it would run with that address
    List<String> violations = VirtualServiceValidator.validate(asked.getSpec(), reserved());
    VipResolver.Resolution vip = violations.isEmpty()
        ? VipResolver.resolve(key, asked, namespaceLabels(asked.getMetadata().getNamespace()), pools(), allocator)
        : null;
    VirtualService vs = vip != null && vip.allowed() && asked.getSpec().getVip() == null
        ? withVip(asked, vip.vip()) : asked;
    Admission.Verdict verdict = vip == null || vip.allowed() ? Admission.judge(key, vs, slicesOf(vs), reserved())
        : new Admission.Verdict(vip.reason(), vip.message(), List.of(), List.of());
    Reason reason = verdict.reason();
    String message = verdict.message();
    if (reason == Reason.PoolExhausted) {
      exhausted.add(key);
    } else {
      exhausted.remove(key);
    }
    List<String> held = null;
    if (verdict.passes()) {
      String conflict = claims.claim(key, Admission.claimsOf(vs));
      if (conflict != null) {
        reason = Reason.Conflict;
        message = conflict;
      } else {
        held = Admission.claimsOf(vs);
      }
    }
    boolean accepted = reason == Reason.Accepted;
    if (accepted) {
      ServiceCatalog.Entry entry = new ServiceCatalog.Entry(key, vs.getSpec().getVip(), vs.getSpec().getNatGateway(),
          verdict.rendered());
      if (!entry.equals(catalog.get(key))) {
        tracker.changed(key);
        pendingSince.put(key, clock.instant());
      }
      catalog.put(entry);
    } else {
      if (catalog.get(key) != null) {
        tracker.changed(key);
      }
      catalog.refused(key);
      pendingSince.remove(key);
    }

    Programming programming = programming(key);
    String first = accepted ? publisher.ownerOf(vs.getSpec().getVip()) : null;
    // the directors decide among themselves: the one that reports announcing the VIP, else the
    // first of its order (no report yet, or directors without failover)
    String reported = accepted ? registry.announcerOf(vs.getSpec().getVip()) : null;
    String owner = reported != null ? reported : first;
    Director ownerDirector = owner != null && registry.live().contains(owner) ? registry.director(owner) : null;
    VirtualServiceStatus next = VirtualServiceStatusBuilder.build(vs, reason, message, verdict.backends(),
        programming, owner, ownerDirector, held, clock);
    if (vip != null && vip.allowed()) {
      next.setVip(vip.vip());
      next.setPool(vip.pool());
    } else if (vs.getStatus() != null) {
      // refused: it keeps the address it had, as it keeps its claims
      next.setVip(vs.getStatus().getVip());
      next.setPool(vs.getStatus().getPool());
    }
    String firstBefore = first == null ? orderFirst.remove(key) : orderFirst.put(key, first);
    var readyCondition = Conditions.find(next.getConditions(), VirtualServiceStatusBuilder.READY);
    readiness.put(key, readyCondition == null ? "Unknown" : readyCondition.getStatus());

    boolean waiting = accepted && !programming.programmed();
    if (!waiting) {
      pendingSince.remove(key);
    }
    if (Objects.equals(next, vs.getStatus())) {
      return waiting ? UpdateControl.<VirtualService>noUpdate().rescheduleAfter(PENDING_RECHECK) : UpdateControl.noUpdate();
    }
    Instant since = pendingSince.get(key);
    if (waiting && programming.reason() == Reason.Pending && since != null) {
      Duration waited = Duration.between(since, clock.instant());
      // the directors usually catch up within the grace: then one write says Programmed. While
      // the change is not even written (ten thousand at an operator's start), saying so would
      // only crowd the API server the publisher writes to
      if (waited.compareTo(PENDING_GRACE) < 0
          || (tracker.unpublished(key) && !publisher.failing() && waited.compareTo(UNPUBLISHED_PATIENCE) < 0)) {
        return UpdateControl.<VirtualService>noUpdate().rescheduleAfter(PENDING_GRACE);
      }
    }
    recordTransitions(vs, next, first, firstBefore);
    if (asked.getSpec() != null && asked.getSpec().getVip() == null && next.getVip() != null
        && !next.getVip().equals(vs.getStatus() == null ? null : vs.getStatus().getVip())) {
      new EventRecorder(client).normal(vs, Reason.VipAssigned, next.getVip() + " assigned from VipPool " + next.getPool());
      LOG.info("virtualservice {}: {} assigned from VipPool {}", key, next.getVip(), next.getPool());
    }
    LOG.info("virtualservice {}: accepted {}, programmed {}, ready {} (director {}, real servers {})", key,
        status(next, "Accepted"), status(next, "Programmed"), status(next, "Ready"), next.getDirector(),
        next.getReady());
    VirtualService patch = new VirtualService();
    patch.setMetadata(vs.getMetadata());
    patch.setStatus(next);
    UpdateControl<VirtualService> update = UpdateControl.patchStatus(patch);
    return waiting ? update.rescheduleAfter(PENDING_RECHECK) : update;
  }

  private List<EndpointSlice> slicesOf(VirtualService vs) {
    if (vs.getSpec() == null || vs.getSpec().getService() == null) {
      return List.of();
    }
    String namespace = vs.getMetadata().getNamespace();
    String service = vs.getSpec().getService().name();
    return slices.list(namespace, s -> s.getMetadata().getLabels() != null
        && service.equals(s.getMetadata().getLabels().get(BackendResolver.SERVICE_NAME_LABEL))).toList();
  }

  /** Whether every live director runs {@code key}'s latest change. */
  private Programming programming(String key) {
    Set<String> live = registry.live();
    if (live.isEmpty()) {
      return new Programming(false, Reason.NoReadyDirector,
          "no ready director (no dataplane holds a current Lease and reports Ready)");
    }
    if (tracker.unpublished(key)) {
      return new Programming(false, Reason.Pending, "waiting to be written into the shared configuration");
    }
    Long generation = tracker.publishedIn(key);
    if (generation == null) {
      generation = publisher.revisionHolding(key);
    }
    if (generation == null) {
      return new Programming(false, Reason.Pending, "waiting to be written into the shared configuration");
    }
    Set<String> current = new TreeSet<>(live);
    current.removeAll(registry.legacyNodes());
    Map<String, Long> applied = registry.applied();
    long g = generation;
    List<String> behind = current.stream().filter(n -> applied.getOrDefault(n, -1L) < g).toList();
    if (behind.isEmpty()) {
      return new Programming(true, Reason.Programmed, "applied by " + current.size() + " director(s)"
          + (current.size() < live.size() ? " (and written for " + (live.size() - current.size())
              + " of the previous version)" : ""));
    }
    return new Programming(false, Reason.Pending, "generation " + g + ": waiting for " + behind.size() + " of "
        + current.size() + " director(s): " + String.join(", ", behind.subList(0, Math.min(5, behind.size())))
        + (behind.size() > 5 ? ", ..." : ""));
  }

  private static String status(VirtualServiceStatus s, String type) {
    var c = Conditions.find(s.getConditions(), type);
    return c == null ? "?" : c.getStatus() + "/" + c.getReason();
  }

  /** Events for problems, once per transition into them, and for real servers' health. */
  private void recordTransitions(VirtualService vs, VirtualServiceStatus next, String first, String firstBefore) {
    EventRecorder events = new EventRecorder(client);
    String from = vs.getStatus() == null ? null : vs.getStatus().getDirector();
    String to = next.getDirector();
    if (from != null && to != null && !from.equals(to)) {
      String why = first != null && !first.equals(firstBefore) && firstBefore != null
          ? "the operator moved it (" + firstBefore + " left its order's lead)"
          : to.equals(first) ? to + " took it back after its hold time"
          : "the directors moved it: " + (first == null ? "its first director" : first) + " stopped or is not heard";
      events.normal(vs, Reason.VipMoved, "VIP " + vs.getSpec().getVip() + " moved from " + from + " to " + to
          + ": " + why);
      LOG.info("virtualservice {}: VIP {} moved from {} to {}: {}", key(vs), vs.getSpec().getVip(), from, to, why);
    }
    Map<String, String> statesBefore = vs.getStatus() == null || vs.getStatus().getRealServers() == null ? Map.of()
        : vs.getStatus().getRealServers().stream()
            .collect(Collectors.toMap(RealServerStatus::address, RealServerStatus::state, (a, b) -> a));
    for (RealServerStatus r : next.getRealServers()) {
      String was = statesBefore.get(r.address());
      if (was == null || was.equals(r.state())) {
        continue;
      }
      if ("Unhealthy".equals(r.state())) {
        events.warning(vs, Reason.RealServerUnhealthy, "real server " + r.address() + " fails its health checks");
        LOG.warn("virtualservice {}: real server {} unhealthy", key(vs), r.address());
      } else if ("Unhealthy".equals(was) && "Ready".equals(r.state())) {
        events.normal(vs, Reason.RealServerHealthy, "real server " + r.address() + " passes its health checks again");
        LOG.info("virtualservice {}: real server {} healthy again", key(vs), r.address());
      }
    }
    for (String type : List.of("Accepted", "Ready")) {
      var now = Conditions.find(next.getConditions(), type);
      var before = vs.getStatus() == null ? null : Conditions.find(vs.getStatus().getConditions(), type);
      if (now == null || "True".equals(now.getStatus())) {
        continue;
      }
      if (before == null || !Objects.equals(before.getReason(), now.getReason())) {
        Reason r = Reason.valueOf(now.getReason());
        if (r == Reason.Conflict || r == Reason.InvalidSpec || r == Reason.NoBackends || r == Reason.NoReadyDirector
            || r == Reason.VipNotAllowed || r == Reason.PoolExhausted) {
          events.warning(vs, r, now.getMessage());
        }
      }
    }
  }
}
