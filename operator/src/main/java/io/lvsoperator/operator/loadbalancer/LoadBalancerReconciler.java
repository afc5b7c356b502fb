package io.lvsoperator.operator.loadbalancer;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.LoadBalancerStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceStatus;
import io.fabric8.kubernetes.api.model.ServiceStatusBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
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
import io.lvsoperator.api.v1alpha1.VirtualService;
import io.lvsoperator.operator.event.EventRecorder;
import io.lvsoperator.operator.event.Reason;
import io.lvsoperator.operator.render.BackendResolver;
import io.lvsoperator.operator.status.Conditions;
import io.lvsoperator.operator.status.VirtualServiceStatusBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves Services of type LoadBalancer (docs/architecture.md, "Services of type LoadBalancer"):
 * keeps a VirtualService {@code <name>-lb}, owned by the Service, in step with it
 * ({@link ServiceTranslator}), and reports what that VirtualService got back onto the Service:
 * {@code status.loadBalancer.ingress} (the VIP, {@code ipMode: VIP}) and Events (address
 * assigned, not allowed, pool exhausted, taken by another, no ready director). Annotations change
 * no generation, so every change of the Service is looked at.
 */
@ControllerConfiguration(name = "loadbalancer", generationAwareEventProcessing = false)
public final class LoadBalancerReconciler implements Reconciler<Service> {
  private static final Logger LOG = LoggerFactory.getLogger(LoadBalancerReconciler.class);
  /** How often VirtualServices of Services that are gone are looked for (a cluster's GC deletes them first). */
  static final Duration SWEEP = Duration.ofSeconds(2);

  private final KubernetesClient client;
  private final boolean defaultClass;
  /** Service key -> the last thing told in an Event: each transition is told once. */
  private final Map<String, String> told = new ConcurrentHashMap<>();
  private InformerEventSource<VirtualService, Service> virtualServices;
  private InformerEventSource<EndpointSlice, Service> slices;
  private volatile IndexedResourceCache<Service> services;
  private ScheduledExecutorService sweeper;

  /** @param defaultClass also serve Services of type LoadBalancer that name no class */
  public LoadBalancerReconciler(KubernetesClient client, boolean defaultClass) {
    this.client = client;
    this.defaultClass = defaultClass;
  }

  @Override
  public List<EventSource<?, Service>> prepareEventSources(EventSourceContext<Service> context) {
    services = context.getPrimaryCache();
    virtualServices = new InformerEventSource<>(InformerEventSourceConfiguration
        .from(VirtualService.class, Service.class)
        .withName("loadbalancer-virtualservices")
        .withLabelSelector(LoadBalancers.SERVICE_LABEL)
        .withSecondaryToPrimaryMapper(vs -> Set.of(new ResourceID(
            vs.getMetadata().getLabels().get(LoadBalancers.SERVICE_LABEL), vs.getMetadata().getNamespace())))
        .build(), context);
    slices = new InformerEventSource<>(InformerEventSourceConfiguration.from(EndpointSlice.class, Service.class)
        .withName("loadbalancer-endpointslices")
        .withSecondaryToPrimaryMapper(slice -> {
          String service = slice.getMetadata().getLabels() == null ? null
              : slice.getMetadata().getLabels().get(BackendResolver.SERVICE_NAME_LABEL);
          return service == null ? Set.of() : Set.of(new ResourceID(service, slice.getMetadata().getNamespace()));
        })
        .build(), context);
    sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "loadbalancer-sweep");
      t.setDaemon(true);
      return t;
    });
    sweeper.scheduleWithFixedDelay(this::sweep, SWEEP.toMillis(), SWEEP.toMillis(), TimeUnit.MILLISECONDS);
    return List.of(virtualServices, slices);
  }

  /** Stops the sweep (the framework stops the informers). */
  public void close() {
    if (sweeper != null) {
      sweeper.shutdownNow();
    }
  }

  private static String key(Service s) {
    return s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
  }

  @Override
  public UpdateControl<Service> reconcile(Service service, Context<Service> context) {
    String key = key(service);
    String ns = service.getMetadata().getNamespace();
    String name = LoadBalancers.virtualServiceName(service.getMetadata().getName());
    VirtualService made = virtualServices.get(new ResourceID(name, ns)).orElse(null);
    if (!LoadBalancers.served(service, defaultClass)) {
      if (made != null) {
        delete(made, "the Service is no longer of type LoadBalancer with class " + LoadBalancers.CLASS);
        told.remove(key);
        return clearIngress(service);
      }
      return UpdateControl.noUpdate();
    }
    ServiceTranslator.Translation t = ServiceTranslator.translate(service, slicesOf(service));
    if (!t.problems().isEmpty()) {
      tell(service, "Warning", Reason.InvalidSpec, String.join("; ", t.problems())
          + (made == null ? "" : "; the previous settings stay in force"));
      return UpdateControl.noUpdate();
    }
    VirtualService wanted = t.virtualService();
    if (made == null) {
      try {
        made = client.resources(VirtualService.class).inNamespace(ns).resource(wanted).create();
        LOG.info("service {}: VirtualService {} created", key, name);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        // a VirtualService of that name exists and our informer has not seen it yet, or it is a user's
        made = client.resources(VirtualService.class).inNamespace(ns).withName(name).get();
        if (made == null) {
          throw e;
        }
      }
    }
    Map<String, String> labels = made.getMetadata().getLabels();
    if (labels == null || !service.getMetadata().getName().equals(labels.get(LoadBalancers.SERVICE_LABEL))) {
      tell(service, "Warning", Reason.Conflict, "VirtualService " + name + " exists and is not this Service's;"
          + " rename it to serve this Service");
      return UpdateControl.noUpdate();
    }
    if (!Serialization.asJson(wanted.getSpec()).equals(Serialization.asJson(made.getSpec()))
        || !Objects.equals(wanted.getMetadata().getLabels(), made.getMetadata().getLabels())) {
      // a new object: the informer's copy is not ours to change
      VirtualService update = new VirtualService();
      update.setMetadata(new ObjectMetaBuilder(made.getMetadata()).withLabels(wanted.getMetadata().getLabels())
          .withOwnerReferences(wanted.getMetadata().getOwnerReferences()).build());
      update.setSpec(wanted.getSpec());
      update.setStatus(made.getStatus());
      made = client.resources(VirtualService.class).inNamespace(ns).resource(update).update();
      LOG.info("service {}: VirtualService {} updated", key, name);
    }
    report(service, made);
    return ingress(service, made);
  }

  private List<EndpointSlice> slicesOf(Service s) {
    String name = s.getMetadata().getName();
    return slices.list(s.getMetadata().getNamespace(), e -> e.getMetadata().getLabels() != null
        && name.equals(e.getMetadata().getLabels().get(BackendResolver.SERVICE_NAME_LABEL))).toList();
  }

  /** The VIP as the Service's ingress once the VirtualService is accepted; none before or after. */
  private UpdateControl<Service> ingress(Service service, VirtualService made) {
    var st = made.getStatus();
    boolean accepted = st != null && Conditions.isTrue(st.getConditions(), VirtualServiceStatusBuilder.ACCEPTED)
        && st.getVip() != null;
    List<LoadBalancerIngress> want = accepted
        ? List.of(new LoadBalancerIngressBuilder().withIp(st.getVip()).withIpMode("VIP").build()) : List.of();
    return setIngress(service, want);
  }

  private UpdateControl<Service> clearIngress(Service service) {
    return setIngress(service, List.of());
  }

  private UpdateControl<Service> setIngress(Service service, List<LoadBalancerIngress> want) {
    List<LoadBalancerIngress> have = service.getStatus() == null || service.getStatus().getLoadBalancer() == null
        || service.getStatus().getLoadBalancer().getIngress() == null ? List.of()
        : service.getStatus().getLoadBalancer().getIngress();
    if (have.equals(want)) {
      return UpdateControl.noUpdate();
    }
    Service patch = new Service();
    patch.setMetadata(service.getMetadata());
    // a copy: the informer's is not ours to change
    ServiceStatus status = service.getStatus() == null ? new ServiceStatus()
        : new ServiceStatusBuilder(service.getStatus()).build();
    status.setLoadBalancer(new LoadBalancerStatus(want));
    patch.setStatus(status);
    LOG.info("service {}: ingress {}", key(service), want.isEmpty() ? "none" : want.get(0).getIp());
    return UpdateControl.patchStatus(patch);
  }

  /** Events on the Service for what its VirtualService's conditions say, once per transition. */
  private void report(Service service, VirtualService made) {
    var st = made.getStatus();
    if (st == null) {
      return;
    }
    Condition accepted = Conditions.find(st.getConditions(), VirtualServiceStatusBuilder.ACCEPTED);
    Condition ready = Conditions.find(st.getConditions(), VirtualServiceStatusBuilder.READY);
    if (accepted == null) {
      return;
    }
    if (!"True".equals(accepted.getStatus())) {
      Reason r = Reason.valueOf(accepted.getReason());
      tell(service, "Warning", r, accepted.getMessage());
    } else if (ready != null && Reason.NoReadyDirector.name().equals(ready.getReason())) {
      tell(service, "Warning", Reason.NoReadyDirector, ready.getMessage());
    } else if (st.getVip() != null) {
      tell(service, "Normal", Reason.VipAssigned, st.getVip() + (st.getPool() == null ? " serves it"
          : " from VipPool " + st.getPool() + " serves it") + " (VirtualService " + made.getMetadata().getName() + ")");
    }
  }

  private void tell(Service service, String type, Reason reason, String message) {
    String key = key(service);
    String what = reason + "|" + message;
    if (what.equals(told.put(key, what))) {
      return;
    }
    EventRecorder events = new EventRecorder(client);
    if (type.equals("Warning")) {
      events.warning(service, reason, message);
      LOG.warn("service {}: {}: {}", key, reason, message);
    } else {
      events.normal(service, reason, message);
      LOG.info("service {}: {}: {}", key, reason, message);
    }
  }

  private void delete(VirtualService made, String why) {
    try {
      client.resources(VirtualService.class).inNamespace(made.getMetadata().getNamespace())
          .withName(made.getMetadata().getName()).delete();
      LOG.info("VirtualService {}/{} deleted: {}", made.getMetadata().getNamespace(), made.getMetadata().getName(), why);
    } catch (KubernetesClientException e) {
      LOG.warn("VirtualService {}/{}: cannot delete ({}); next try in {} s", made.getMetadata().getNamespace(),
          made.getMetadata().getName(), e.getMessage(), SWEEP.toSeconds());
    }
  }

  /** VirtualServices made for Services that are gone (a cluster's garbage collector is usually first). */
  void sweep() {
    var cache = services;
    var made = virtualServices;
    if (cache == null || made == null || !made.isRunning()) {
      return;
    }
    try {
      made.list().forEach(vs -> {
        String service = vs.getMetadata().getLabels().get(LoadBalancers.SERVICE_LABEL);
        // the API server has the last word: the cache may not hold every Service yet
        if (cache.get(new ResourceID(service, vs.getMetadata().getNamespace())).isEmpty()
            && client.services().inNamespace(vs.getMetadata().getNamespace()).withName(service).get() == null) {
          told.remove(vs.getMetadata().getNamespace() + "/" + service);
          delete(vs, "its Service is gone");
        }
      });
    } catch (RuntimeException e) {
      LOG.error("loadbalancer sweep failed; next one in {} s", SWEEP.toSeconds(), e);
    }
  }
}
