package io.lvsoperator.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.lvsoperator.api.v1alpha1.Director;
import io.lvsoperator.api.v1alpha1.RealServerStatus;
import io.lvsoperator.api.v1alpha1.VirtualService;
import io.lvsoperator.api.v1alpha1.VirtualServiceStatus;
import io.lvsoperator.operator.OperatorOptions;
import io.lvsoperator.operator.event.EventRecorder;
import io.lvsoperator.operator.event.Reason;
import io.lvsoperator.operator.render.BackendResolver;
import io.lvsoperator.operator.render.DirectorNode;
import io.lvsoperator.operator.render.DirectorPlanner;
import io.lvsoperator.operator.status.Conditions;
import io.lvsoperator.operator.status.VirtualServiceStatusBuilder;
import io.lvsoperator.operator.validation.ReservedAddresses;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Level-triggered: on any change of a VirtualService, an EndpointSlice, a dataplane pod or a
 * Director, it observes the caches, admits VirtualServices, plans every director, writes the
 * Directors that differ, and sets this VirtualService's status. Invalid input becomes a
 * condition, not a retry; API errors are thrown and retried by the framework.
 */
@ControllerConfiguration(name = "virtualservice")
public final class VirtualServiceReconciler implements Reconciler<VirtualService>, Cleaner<VirtualService> {
  private static final Logger LOG = LoggerFactory.getLogger(VirtualServiceReconciler.class);

  private final OperatorOptions options;
  private final Clock clock;
  private InformerEventSource<EndpointSlice, VirtualService> slices;
  private InformerEventSource<Pod, VirtualService> pods;
  private InformerEventSource<Director, VirtualService> directors;
  private InformerEventSource<Node, VirtualService> nodes;
  /** namespace/name -> its Ready condition status, for the metrics. */
  private final Map<String, String> readiness = new ConcurrentHashMap<>();
  private volatile int readyDirectorCount;
  private volatile int directorCount;

  public VirtualServiceReconciler(OperatorOptions options, Clock clock) {
    this.options = options;
    this.clock = clock;
  }

  /** Gauges: VirtualServices by Ready status, directors known and ready. */
  public void bindMetrics(MeterRegistry registry) {
    for (String status : List.of("True", "False", "Unknown")) {
      Gauge.builder("lvs.operator.virtualservices", readiness,
              m -> m.values().stream().filter(status::equals).count())
          .tag("condition", "Ready").tag("status", status)
          .description("VirtualServices by their Ready condition").register(registry);
    }
    Gauge.builder("lvs.operator.directors", this, r -> r.directorCount).tag("state", "known")
        .description("nodes running a dataplane pod").register(registry);
    Gauge.builder("lvs.operator.directors", this, r -> r.readyDirectorCount).tag("state", "ready")
        .description("nodes whose dataplane pod is ready").register(registry);
  }

  static String key(VirtualService vs) {
    return vs.getMetadata().getNamespace() + "/" + vs.getMetadata().getName();
  }

  @Override
  public List<EventSource<?, VirtualService>> prepareEventSources(EventSourceContext<VirtualService> context) {
    Function<Object, Set<ResourceID>> everyone = ignored -> context.getPrimaryCache().list()
        .map(ResourceID::fromResource).collect(Collectors.toSet());
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
    // only the release's own namespace: a tenant's pod with the same labels is no director
    pods = new InformerEventSource<>(InformerEventSourceConfiguration.from(Pod.class, VirtualService.class)
        .withName("dataplane-pods").withLabelSelector(options.dataplaneSelector())
        .withNamespaces(Set.of(options.dataplaneNamespace()))
        .withSecondaryToPrimaryMapper(everyone::apply).build(), context);
    // node addresses and pod ranges are off limits to tenants; node status also changes for heartbeats
    nodes = new InformerEventSource<>(InformerEventSourceConfiguration.from(Node.class, VirtualService.class)
        .withName("nodes").withSecondaryToPrimaryMapper(everyone::apply)
        .withOnUpdateFilter((now, before) -> !Objects.equals(ReservedAddresses.of(List.of(now), List.of()),
            ReservedAddresses.of(List.of(before), List.of())))
        .build(), context);
    directors = new InformerEventSource<>(InformerEventSourceConfiguration.from(Director.class, VirtualService.class)
        .withName("directors").withSecondaryToPrimaryMapper(everyone::apply)
        // heartbeats and connection counts change every few seconds and matter to no status here
        .withOnUpdateFilter((now, before) -> !Objects.equals(now.getSpec(), before.getSpec())
            || !DirectorStatusDigest.of(now).equals(DirectorStatusDigest.of(before)))
        .build(), context);
    return List.of(slices, pods, directors, nodes);
  }

  /**
   * Observes the caches and brings every Director in line; VirtualServices being deleted are left
   * out. One at a time: every reconcile plans all directors, and our own writes go into the
   * Director cache at once, so the next plan starts from them rather than from a lagging watch.
   */
  private synchronized Programming program(VirtualService vs, Context<VirtualService> context) {
    ClusterView view = new ClusterView(
        context.getPrimaryCache().list(v -> v.getMetadata().getDeletionTimestamp() == null).toList(),
        slices.list().toList(), pods.list().toList(), directors.list().toList(),
        ReservedAddresses.of(nodes.list().toList(), options.reservedCidrs()));
    Map<String, Admission.Verdict> verdicts = Admission.decide(view);
    List<DirectorNode> nodes = view.directorNodes();
    DirectorPlanner.Plan plan = DirectorPlanner.plan(Admission.accepted(verdicts), nodes, view.currentOwners(),
        options.interfaceName());
    ResourceID cause = ResourceID.fromResource(vs);
    List<Director> after = DirectorWriter.apply(context.getClient(), plan.specs(), view.directors(),
        options.servicesPerDirectorObject(),
        new DirectorWriter.Written() {
          @Override
          public void created(Director d) {
            directors.handleRecentResourceCreate(cause, d);
          }

          @Override
          public void updated(Director now, Director before) {
            directors.handleRecentResourceUpdate(cause, now, before);
          }
        });
    directorCount = nodes.size();
    readyDirectorCount = (int) nodes.stream().filter(DirectorNode::ready).count();
    // status is judged on the Directors as now written, not as they were before this pass
    return new Programming(verdicts, nodes, plan, after);
  }

  private record Programming(
      Map<String, Admission.Verdict> verdicts, List<DirectorNode> nodes, DirectorPlanner.Plan plan,
      List<Director> directorsAfter) {}

  @Override
  public DeleteControl cleanup(VirtualService vs, Context<VirtualService> context) {
    program(vs, context);
    readiness.remove(key(vs));
    LOG.info("virtualservice {} deleted: removed from every director", key(vs));
    return DeleteControl.defaultDelete();
  }

  @Override
  public UpdateControl<VirtualService> reconcile(VirtualService vs, Context<VirtualService> context) {
    Programming p = program(vs, context);
    Map<String, Admission.Verdict> verdicts = p.verdicts();
    List<DirectorNode> nodes = p.nodes();
    DirectorPlanner.Plan plan = p.plan();

    Admission.Verdict verdict = verdicts.get(key(vs));
    Set<String> readyNodes = nodes.stream().filter(DirectorNode::ready).map(DirectorNode::name)
        .collect(Collectors.toSet());
    Map<String, Director> readyDirectors = p.directorsAfter().stream()
        .filter(d -> readyNodes.contains(d.getMetadata().getName()) && d.getSpec() != null)
        .collect(Collectors.toMap(d -> d.getMetadata().getName(), d -> d));
    VirtualServiceStatus next = VirtualServiceStatusBuilder.build(vs, verdict.reason(), verdict.message(),
        verdict.backends(), readyDirectors, plan.owners().get(vs.getSpec() == null ? null : vs.getSpec().getVip()),
        verdict.accepted() ? Admission.claimsOf(vs) : null, clock);
    recordTransitions(context, vs, next);
    var readyCondition = Conditions.find(next.getConditions(), VirtualServiceStatusBuilder.READY);
    readiness.put(key(vs), readyCondition == null ? "Unknown" : readyCondition.getStatus());
    if (Objects.equals(next, vs.getStatus())) {
      return UpdateControl.noUpdate();
    }
    LOG.info("virtualservice {}: accepted {}, programmed {}, ready {} (director {}, real servers {})", key(vs),
        status(next, "Accepted"), status(next, "Programmed"), status(next, "Ready"), next.getDirector(),
        next.getReady());
    VirtualService patch = new VirtualService();
    patch.setMetadata(vs.getMetadata());
    patch.setStatus(next);
    return UpdateControl.patchStatus(patch);
  }

  private static String status(VirtualServiceStatus s, String type) {
    var c = Conditions.find(s.getConditions(), type);
    return c == null ? "?" : c.getStatus() + "/" + c.getReason();
  }

  /** Events for problems, once per transition into them, and for real servers' health. */
  private void recordTransitions(Context<VirtualService> context, VirtualService vs, VirtualServiceStatus next) {
    EventRecorder events = new EventRecorder(context.getClient());
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
        Reason reason = Reason.valueOf(now.getReason());
        if (reason == Reason.Conflict || reason == Reason.InvalidSpec || reason == Reason.NoBackends
            || reason == Reason.NoReadyDirector) {
          events.warning(vs, reason, now.getMessage());
        }
      }
    }
  }
}
